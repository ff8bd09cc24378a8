; Back-pressure (entry `burst`): sends COUNT messages DATA [i, 0, ..., 0] of LEN
; words to node 1's inbox 0 back to back, i = COUNT, COUNT - 1, ..., 1. When the
; transmit queue is full a `send` stalls the process until a slot frees (see
; docs/network.md). Then emits (DONE) and halts.
.msg DATA = 1
.const COUNT = 12
.const LEN = 8
.const DONE = 30
.data
buf: .space LEN
.code
.entry burst
burst:
    push COUNT
.loop:
    dup
    storei buf
    push buf            ; buf
    push LEN            ; len
    push DATA           ; type
    push 1 << 16        ; node 1, inbox 0
    push -1             ; no reply-to
    send
    addi -1
    dup
    jnz .loop
    drop
    push DONE
    emit 0
    halt

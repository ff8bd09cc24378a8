; One-way latency over a mesh. The sender (entry `sender`) sends PACKETS
; messages DATA of LEN words back to back to the last node of the run, then
; halts. The receiver (entry `receiver`) takes each message as it arrives and
; emits (ARRIVED, length). Other nodes run `idle`, which halts at once.
.msg DATA = 1
.const LEN = 4
.const PACKETS = 2
.const ARRIVED = 40
.data
dst: .space 1
buf: .space 4 + LEN
.code
.entry sender
.entry receiver
.entry idle
sender:
    nodes
    addi -1
    push ADDR_SHIFT
    shl
    storei dst          ; the last node's inbox 0
    push PACKETS
.loop:
    push buf            ; buf
    push LEN            ; len
    push DATA           ; type
    loadi dst           ; dst
    push -1             ; no reply-to
    send
    addi -1
    dup
    jnz .loop
    drop
    halt

receiver:
    push -1
    wait
    drop
    push buf
    push LEN
    push 0
    recv
    push ARRIVED
    emit 1
    jmp receiver

idle:
    halt

; Ordering under contention. Senders (entry `sender`) each send COUNT messages
; DATA [seq] (seq = 0, 1, ...) to the collector's inbox 0 on node COLLECTOR.
; The collector (entry `collector`) checks, per source node, that sequence
; numbers arrive in order: a number equal to the next expected one is in order,
; a larger one leaves a gap (lost messages), a smaller one is out of order.
; When no message has come for QUIET cycles it emits
; (RESULT, received, out_of_order, missing) and halts.
.msg DATA = 1           ; payload [seq]
.const COUNT = 40
.const COLLECTOR = 0
.const QUIET = 100000
.const RESULT = 20
.data
out: .space 1           ; a sender's outgoing payload
msg: .space 5           ; a received message: header + [seq]
received: .space 1
disorder: .space 1
missing: .space 1
expect: .space 1024     ; next expected sequence number, by source node id
.code
.entry sender
.entry collector
sender:
    push 0              ; seq
.loop:
    dup
    storei out
    push out            ; buf
    push 1              ; len
    push DATA           ; type
    push COLLECTOR << 16
    push -1             ; no reply-to
    send
    addi 1
    dup
    push COUNT
    lt
    jnz .loop
    drop
    halt

collector:
.next:
    push QUIET
    wait
    jz .finish          ; quiet for QUIET cycles: done
    push msg
    push 1
    push 0
    recv
    drop
    loadi received
    addi 1
    storei received
    loadi msg+1         ; source node
    push expect
    add                 ; a = &expect[src]
    dup
    load                ; a e
    loadi msg+4         ; a e s
    swap                ; a s e
    over
    over
    lt                  ; a s e (s < e)
    jnz .late
    sub                 ; a (s - e): messages skipped
    loadi missing
    add
    storei missing      ; a
    loadi msg+4
    addi 1
    swap
    store               ; expect[src] = s + 1
    jmp .next
.late:
    drop
    drop
    drop
    loadi disorder
    addi 1
    storei disorder
    jmp .next
.finish:
    loadi received
    loadi disorder
    loadi missing
    push RESULT
    emit 3
    halt

; Factorial client (entry `client`): asks the server on node SERVER for 10!,
; 12! and 8! in turn and emits each answer as a record (tag FACT_REPLY, n, n!).
.const SERVER = 0
.data
query: .space 1
reply: .space 12        ; header + payload of the answer
numbers: .word 10, 12, 8
.code
.entry client
client:
    push 0              ; i
.ask:
    dup
    push 3
    lt
    jz .finished
    dup
    push numbers
    add
    load                ; i n
    storei query        ; i
    push query          ; buf
    push 1              ; len
    push FACT           ; type
    push SERVER << 16   ; dst: the server's inbox 0
    nodeid
    push ADDR_SHIFT
    shl                 ; reply-to: this node's inbox 0
    send
    push -1
    wait
    drop
    push reply
    push 8
    push 0
    recv
    drop
    loadi query         ; i n
    loadi reply+4       ; i n n!
    push FACT_REPLY
    emit 2
    addi 1
    jmp .ask
.finished:
    drop
    halt

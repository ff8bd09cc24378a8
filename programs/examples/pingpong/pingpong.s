; pingpong.s: node 0 asks node 1 to double a number and logs the answer.
.msg DOUBLE                 ; message types, numbered by the assembler
.msg ANSWER
.const RESULT = 1           ; log tag

.data
buf:    .space 5            ; recv header (4 words) + 1 payload word
out:    .space 1

.code
.entry client
.entry server

client:
    push 21
    storei out              ; the payload: 21
    push out                ; buf
    push 1                  ; len
    push DOUBLE             ; type
    push 1
    push ADDR_SHIFT
    shl                     ; dst = node 1, inbox 0
    nodeid
    push ADDR_SHIFT
    shl                     ; reply-to = this node, inbox 0
    send
    push -1
    wait                    ; sleep until the answer arrives
    drop
    push buf
    push 1
    push 0
    recv                    ; ( buf max inbox -- len )
    drop
    loadi buf+4             ; the answer
    push RESULT
    emit 1                  ; log (RESULT, answer)
    halt

server:
    push -1
    wait
    drop
    push buf
    push 1
    push 0
    recv
    drop
    loadi buf+4
    dup
    add                     ; double it
    storei out
    push out
    push 1
    push ANSWER
    loadi buf+2             ; reply to the sender's reply-to address
    push -1                 ; no reply-to on the answer
    send
    jmp server

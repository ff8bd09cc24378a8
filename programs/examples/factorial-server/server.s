; Factorial server (entry `server`): answers every FACT request arriving in
; inbox 0 with a FACT_REPLY carrying n!, sent to the request's reply-to address.
.data
request: .space 12      ; header (type, source, reply-to, length) + payload
answer: .space 1
.code
.entry server
server:
.next:
    push -1
    wait                ; sleep until a request is waiting
    drop
    push request
    push 8              ; at most 8 payload words
    push 0              ; inbox 0
    recv
    drop
    loadi request+4     ; n
    call factorial
    storei answer
    push answer         ; buf
    push 1              ; len
    push FACT_REPLY     ; type
    loadi request+2     ; dst: the request's reply-to
    push -1             ; no reply-to
    send
    jmp .next

; factorial ( n -- n! ): iterative product; 1 for n <= 1.
factorial:
    push 1
    swap                ; acc n
.loop:
    dup
    push 1
    le
    jnz .done           ; n <= 1: acc is the answer
    dup
    rot                 ; n n acc
    mul                 ; n acc*n
    swap                ; acc n
    addi -1
    jmp .loop
.done:
    drop
    ret

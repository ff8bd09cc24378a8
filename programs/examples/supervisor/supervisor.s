; A supervised factorial server that survives crashes (Termite's section 5.3)
; on the firmware library.
;   supervisor (node 0): process 0 owns the public inbox 0 and runs the
;       server as a monitored process (spawn_monitored); it forwards every
;       FACT request to the server's private inbox and, when the server's
;       EXIT notification arrives, logs (TAG_RESTART, restarts) and starts a
;       fresh server. Clients keep one address across crashes.
;   server (a process of node 0): answers FACT [tag, n] with n!; a request
;       with n < 0 crashes it: it closes its inbox (requests still waiting in
;       it go back to their senders) and ends with proc_fail.
;   client (other nodes): asks for each n of `numbers` with rpc_call and a
;       timeout, retrying after a timeout or a returned request, except for
;       the poisoned n < 0, asked once; logs (TAG_FACT, n, n!, failed attempts)
;       or (TAG_POISON, rpc_call's result).
.import "rpc.s"
.import "monitor.s"
.import "arith.s"

.msg FACT = 1           ; request [tag, n]; answer [tag, n!]
.const TAG_FACT = 1
.const TAG_POISON = 2
.const TAG_RESTART = 3
.const TIMEOUT = 4000   ; cycles a client waits for an answer
.const COUNT = 8

.data
numbers: .word 5, 10, -1, 12, 8, -3, 7, 3
server_addr: .word 0    ; the running server's private address
restarts: .word 0
inmsg: .space 6         ; a message at the supervisor
srvmsg: .space 6        ; a request at the server
req: .space 2
rep: .space 6
failed: .word 0

.code
.entry supervisor
.entry client

supervisor:
    call start_server
.loop:
    push inmsg
    push 2
    push 0
    push -1
    call recv_timeout
    drop
    loadi inmsg
    push EXIT
    eq
    jnz .restart
    push inmsg
    loadi server_addr
    call forward
    jmp .loop
.restart:
    loadi restarts
    addi 1
    dup
    storei restarts
    push TAG_RESTART
    emit 1
    call start_server
    jmp .loop

; start_server ( -- ): spawns a monitored server and lets it open its inbox.
start_server:
    push server
    push 0
    push 0
    call my_addr
    call spawn_monitored
    drop
    yield
    ret

; server ( arg -- result ): serves FACT on a private inbox until poisoned.
server:
    drop
    open
    dup
    call my_addr
    storei server_addr  ; p
.next:
    push srvmsg
    push 2
    pick 2
    push -1
    call recv_timeout
    drop
    loadi srvmsg+5
    dup
    push 0
    lt
    jnz .crash
    call factorial
    push srvmsg
    swap
    call rpc_reply
    jmp .next
.crash:
    drop
    close
    push 1
    call proc_fail

; ask ( n -- rlen ): one rpc_call for n! to the supervisor's node.
ask:
    storei req+1
    push req
    push 2
    push FACT
    push 0
    push rep
    push 2
    push TIMEOUT
    call rpc_call
    ret

client:
    push 0              ; i
.item:
    dup
    push COUNT
    lt
    jz .finished
    dup
    push numbers
    add
    load                ; i n
    dup
    push 0
    lt
    jnz .poison
    push 0
    storei failed
.try:
    dup
    call ask
    push 1
    eq
    jnz .answered
    loadi failed
    addi 1
    storei failed
    jmp .try
.answered:
    loadi rep+5
    loadi failed
    push TAG_FACT
    emit 3
    addi 1
    jmp .item
.poison:
    call ask
    push TAG_POISON
    emit 1
    addi 1
    jmp .item
.finished:
    drop
    halt

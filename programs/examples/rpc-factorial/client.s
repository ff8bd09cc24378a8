; Factorial client (entry `client`): first calls an inbox the server never
; opened and logs what rpc_call returns (RPC_RETURNED); then asks for 10!,
; 12! and 8! with rpc_call, retrying after a timeout or a returned request,
; and logs (n, n!, failed attempts) for each.
.import "rpc.s"

.const TIMEOUT = 2000   ; cycles to wait for an answer (8 us at 250 MHz)

.data
req: .space 2           ; [tag, n]
rep: .space 6           ; header + [tag, n!]
failed: .word 0
numbers: .word 10, 12, 8

.code
.entry client
client:
    push 5
    storei req+1
    push req
    push 2
    push FACT
    push SERVER << 16 | 7   ; inbox 7 of the server is not open
    push rep
    push 2
    push TIMEOUT
    call rpc_call
    push TAG_PROBE
    emit 1
    push 0              ; i
.ask:
    dup
    push 3
    lt
    jz .finished
    dup
    push numbers
    add
    load
    storei req+1
    push 0
    storei failed
.try:
    push req
    push 2
    push FACT
    push SERVER << 16
    push rep
    push 2
    push TIMEOUT
    call rpc_call
    push 1
    eq
    jnz .answered
    loadi failed
    addi 1
    storei failed
    jmp .try
.answered:
    loadi req+1
    loadi rep+5
    loadi failed
    push TAG_FACT
    emit 3
    addi 1
    jmp .ask
.finished:
    drop
    halt

; Worker processes on one node (entry `main`): process 0 spawns WORKERS
; workers, giving each its index. A worker computes (index + 1)^2, sends it to
; its node's inbox 0 (owned by process 0) as a RESULT and exits; the send
; copies `result` out of the shared memory before any other process runs, as
; scheduling is cooperative. Process 0 adds up the WORKERS results, emits
; (TOTAL, sum, its pid) and halts.
.msg RESULT = 1
.const WORKERS = 3
.const TOTAL = 9
.data
sum: .space 1
got: .space 1
result: .space 1
msg: .space 5           ; a received RESULT: header + value
.code
.entry main
main:
    push 0              ; i
.spawn:
    dup
    push WORKERS
    lt
    jz .collect
    dup
    push worker
    swap                ; i worker i
    spawn
    drop                ; the new pid
    addi 1
    jmp .spawn
.collect:
    drop
.next:
    loadi got
    push WORKERS
    eq
    jnz .done
    push -1
    wait
    drop
    push msg
    push 1
    push 0
    recv
    drop
    loadi sum
    loadi msg+4
    add
    storei sum
    loadi got
    addi 1
    storei got
    jmp .next
.done:
    loadi sum
    self
    push TOTAL
    emit 2
    halt

; worker ( index -- ): sends (index + 1)^2 to this node's inbox 0, then exits.
worker:
    addi 1
    dup
    mul
    storei result
    push result
    push 1
    push RESULT
    nodeid
    push ADDR_SHIFT
    shl                 ; this node's inbox 0
    push -1
    send
    exit

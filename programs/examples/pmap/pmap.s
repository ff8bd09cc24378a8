; Parallel map with monitored workers (Erlangen's pmap) on the firmware
; library. The master (node 0) maps f(x) = x * x + 1 over the ITEMS inputs
; x = 3 i + 1: for each item it spawns a monitored caller process (at most
; PAR at once) that calls a worker node (nodes 1 .. N-1, round robin, skipping
; workers known dead) with rpc_call and a timeout. The EXIT notifications
; come back to the master's inbox 0: a result is logged (TAG_RESULT, i,
; f(x)); a failure (the caller's proc_fail with the worker's id) marks the
; worker dead, logs (TAG_FAILED, i, worker) and queues the item again. At the
; end the master logs (TAG_TOTAL, sum of the results) and halts.
; Workers serve SQUARE requests; the `flaky` worker faults (assertion 7) on
; its third request, a real crash that stops its node.
.import "dispatch.s"
.import "rpc.s"
.import "monitor.s"

.msg SQUARE = 1         ; request [tag, x]; answer [tag, x * x + 1]
.const ITEMS = 20
.const PAR = 4
.const TIMEOUT = 3000   ; cycles a caller waits for its worker
.const TAG_RESULT = 1
.const TAG_FAILED = 2
.const TAG_TOTAL = 3
.const SLOT = 6
.const SLOTS = 16

.data
table:
    .word 1
    .word SQUARE, 0, on_square
stash: .space STASH_HDR + SLOT * SLOTS
fragile: .word 0        ; a flaky worker crashes on its third request
served: .word 0
results: .space ITEMS
pid_item: .space 64     ; the item of each caller, by pid mod 64
dead: .space 256        ; workers found dead, by node id
rr: .word 0             ; round-robin position
queue: .space ITEMS     ; items waiting to be (re)tried
qlen: .word 0
inflight: .word 0
done: .word 0
reqs: .space ITEMS * 2  ; each item's request and answer buffers
reps: .space ITEMS * 6
exitmsg: .space 7

.code
.entry master
.entry worker
.entry flaky

flaky:
    push 1
    storei fragile
worker:
    push table
    push stash
    push SLOT
    push SLOTS
    call dispatch_run

; on_square ( msg -- ): answers x * x + 1.
on_square:
    loadi fragile
    jz .serve
    loadi served
    addi 1
    dup
    storei served
    push 3
    lt
    assert 7
.serve:
    dup
    addi 5
    load
    dup
    mul
    addi 1
    call rpc_reply
    ret

; pick_worker ( -- w ): the next worker round the ring that is not known dead.
pick_worker:
    loadi rr
    addi 1
    dup
    storei rr
    nodes
    addi -1
    mod
    addi 1
    dup
    push dead
    add
    load
    jz .alive
    drop
    jmp pick_worker
.alive:
    ret

; caller ( item -- result ): asks a worker for f(3 item + 1); proc_fail with
; the worker's id when no answer comes in time.
caller:
    call pick_worker    ; item w
    over
    push 2
    mul
    push reqs
    add                 ; item w req
    pick 2
    push 3
    mul
    addi 1
    over
    addi 1
    store               ; req[1] = x
    push 2
    push SQUARE
    pick 3
    push ADDR_SHIFT
    shl                 ; item w req 2 SQUARE dst
    pick 5
    push 6
    mul
    push reps
    add                 ; ... rbuf
    push 2
    push TIMEOUT
    call rpc_call       ; item w rlen
    push 1
    eq
    jz .failed
    drop
    push 6
    mul
    push reps
    add
    addi 5
    load
    ret
.failed:
    call proc_fail

master:
    push 0
.fill:
    dup
    push ITEMS
    lt
    jz .filled
    push ITEMS - 1
    over
    sub
    over
    push queue
    add
    store
    addi 1
    jmp .fill
.filled:
    storei qlen
.loop:
    loadi done
    push ITEMS
    eq
    jnz .finish
.launch:
    loadi inflight
    push PAR
    lt
    jz .collect
    loadi qlen
    jz .collect
    loadi qlen
    addi -1
    dup
    storei qlen
    push queue
    add
    load                ; item
    dup
    push caller
    swap
    push 0
    call my_addr
    call spawn_monitored ; item pid
    push 63
    and
    push pid_item
    add
    store
    loadi inflight
    addi 1
    storei inflight
    jmp .launch
.collect:
    push exitmsg
    push 3
    push 0
    push -1
    call recv_timeout
    drop
    loadi inflight
    addi -1
    storei inflight
    loadi exitmsg+4
    push 63
    and
    push pid_item
    add
    load                ; item
    loadi exitmsg+5
    jnz .failure
    loadi exitmsg+6
    over
    push results
    add
    store
    dup
    push results
    add
    load
    push TAG_RESULT
    emit 2
    loadi done
    addi 1
    storei done
    jmp .loop
.failure:
    push 1
    loadi exitmsg+5
    push dead
    add
    store
    dup
    loadi qlen
    push queue
    add
    store
    loadi qlen
    addi 1
    storei qlen
    loadi exitmsg+5
    push TAG_FAILED
    emit 2
    jmp .loop
.finish:
    push 0
    push 0              ; sum i
.sum:
    dup
    push ITEMS
    lt
    jz .summed
    dup
    push results
    add
    load
    rot
    add
    swap
    addi 1
    jmp .sum
.summed:
    drop
    push TAG_TOTAL
    emit 1
    halt

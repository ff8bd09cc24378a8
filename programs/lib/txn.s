; txn.s — transactional handlers (Classical Actors' transactional behaviours):
; a handler's sends are held in a log and go out only when it returns; if it
; fails instead, they are discarded and a declared state block is restored,
; as though the message had never been delivered.
; Part of the aether firmware standard library (docs/firmware.md).
;
; A transaction context is a caller's buffer of TXN_HDR + n + cap words
; (txn_init): the declared state block (address, n words), the phase, the
; handler and message of the running transaction, counters, then the
; snapshot of the state block (n words) and the send log (cap words).
;
; txn_call runs a handler ( msg -- ) in a process of its own, so that a
; failure anywhere in it, however deep its calls, ends that process and
; nothing else: a fault stops the whole node (docs/isa.md), so failures are
; the library's, not the machine's. The handler commits by returning; it
; fails by txn_abort / txn_assert, by a txn_send that does not fit in the
; log, or by ending its process any other way (proc_fail, proc_exit, exit).
; It must not wait, sleep or yield, and sends with txn_send, not send.
.import "msg.s"

.const TXN_STATE = 0            ; address of the declared state block
.const TXN_LEN = 1              ; its length n in words
.const TXN_CAP = 2              ; the send log's capacity in words
.const TXN_USED = 3             ; log words in use
.const TXN_PHASE = 4            ; TXN_IDLE .. TXN_ABORTED
.const TXN_PID = 5              ; the running handler's process id
.const TXN_HANDLER = 6          ; the running handler ( msg -- )
.const TXN_MSG = 7              ; its message
.const TXN_COMMITS = 8          ; transactions committed
.const TXN_ABORTS = 9           ; transactions aborted
.const TXN_CODE = 10            ; the last abort's code
.const TXN_HDR = 11             ; header words; the snapshot, then the log, follow

.const TXN_IDLE = 0             ; no transaction
.const TXN_RUNNING = 1          ; handler process spawned or running
.const TXN_COMMITTING = 2       ; handler returned, its log being sent
.const TXN_COMMITTED = 3        ; log sent, handler process ended
.const TXN_ABORTED = 4          ; state restored, log discarded, process ended

.const TXN_LOG_REC = 4          ; log record: len, type, dst, reply, then len words
.const TXN_POLL = 16            ; cycles txn_call sleeps while a commit's send is stalled

.const TXN_E_LOG_FULL = 0xA10   ; abort code: a txn_send did not fit in the log
.const TXN_E_ENDED = 0xA11      ; abort code: the handler's process ended without
                                ; committing or aborting (proc_fail, proc_exit, exit)
.const LIB_E_TXN_BUSY = 0xA12   ; assertion code: txn_call on a context in use
.const LIB_E_TXN_LOST = 0xA13   ; assertion code: a handler that waited ended or sent after
                                ; its transaction was settled without it

.data
txn_cur: .word 0        ; the context of the handler running now

.code
; txn_init ( txn state n cap -- ): makes `txn` (TXN_HDR + n + cap words) the
; context of the state block of `n` words at `state`, with a send log of
; `cap` words; counters zero.
txn_init:
    pick 3
    addi TXN_CAP
    store
    pick 2
    addi TXN_LEN
    store
    over
    store               ; txn
    push 0
    over
    addi TXN_USED
    store
    push 0
    over
    addi TXN_PHASE
    store
    push 0
    over
    addi TXN_COMMITS
    store
    push 0
    over
    addi TXN_ABORTS
    store
    push 0
    swap
    addi TXN_CODE
    store
    ret

; txn_call ( msg handler txn -- ok ): runs `handler` ( msg -- ) as a
; transaction of `txn`: ok = 1 when it returned (its logged sends have gone
; out), 0 when it failed (the state block is as before the call, its sends
; are discarded, txn[TXN_CODE] says why). Faults LIB_E_TXN_BUSY when `txn`
; already runs a transaction; needs a free process slot.
txn_call:
    dup
    addi TXN_PHASE
    load
    eqz
    assert LIB_E_TXN_BUSY
    tuck
    addi TXN_HANDLER
    store
    tuck
    addi TXN_MSG
    store               ; txn
    dup
    addi TXN_HDR
    over
    load
    pick 2
    addi TXN_LEN
    load
    call memcpy         ; txn: snapshot taken
    push TXN_RUNNING
    over
    addi TXN_PHASE
    store
    push txn_run
    over
    spawn
    over
    addi TXN_PID
    store
.wait:
    yield
    dup
    addi TXN_PHASE
    load                ; txn phase
    dup
    push TXN_RUNNING
    eq
    jnz .ended
    dup
    push TXN_COMMITTING
    eq
    jnz .stalled
    push TXN_COMMITTED
    eq                  ; txn ok
.out:
    push TXN_IDLE
    rot
    addi TXN_PHASE
    store
    ret
.ended:
    drop
    push TXN_E_ENDED
    call txn_undo
    push 0
    jmp .out
.stalled:
    drop
    push TXN_POLL
    sleep
    jmp .wait

; txn_undo ( txn code -- txn ): records an abort with `code`, empties the
; log and copies the snapshot back over the state block.
txn_undo:
    over
    addi TXN_CODE
    store
    dup
    addi TXN_ABORTS
    dup
    load
    addi 1
    swap
    store
    push 0
    over
    addi TXN_USED
    store
    dup
    load
    over
    addi TXN_HDR
    pick 2
    addi TXN_LEN
    load
    call memcpy
    ret

; txn_run ( txn -- ): the handler's process: runs the handler, then commits.
txn_run:
    dup
    storei txn_cur
    dup
    addi TXN_MSG
    load
    swap
    addi TXN_HANDLER
    load
    calli
    call txn_mine
    push TXN_COMMITTING
    over
    addi TXN_PHASE
    store
    dup
    addi TXN_HDR
    over
    addi TXN_LEN
    load
    add                 ; txn rec
    over
    addi TXN_USED
    load
    over
    add
    tor                 ; txn rec        R: end
.flush:
    dup
    rfetch
    lt
    jz .done
    dup
    addi TXN_LOG_REC    ; txn rec buf
    over
    load
    pick 2
    addi 1
    load
    pick 3
    addi 2
    load
    pick 4
    addi 3
    load
    send                ; txn rec
    dup
    load
    addi TXN_LOG_REC
    add
    jmp .flush
.done:
    rdrop
    drop
    push 0
    over
    addi TXN_USED
    store
    dup
    addi TXN_COMMITS
    dup
    load
    addi 1
    swap
    store
    push TXN_COMMITTED
    swap
    addi TXN_PHASE
    store
    exit

; txn_mine ( -- txn ): the running handler's context; faults LIB_E_TXN_LOST
; unless this process runs its transaction (a handler that waited finds it
; settled without it, or another handler's).
txn_mine:
    loadi txn_cur
    dup
    addi TXN_PID
    load
    self
    eq
    assert LIB_E_TXN_LOST
    dup
    addi TXN_PHASE
    load
    push TXN_RUNNING
    eq
    assert LIB_E_TXN_LOST
    ret

; txn_send ( buf len type dst reply -- ): in a handler, `send` held until the
; handler returns: the `len` words at `buf` are copied into the log now. A
; send that does not fit aborts the transaction with TXN_E_LOG_FULL.
txn_send:
    call txn_mine       ; buf len type dst reply txn
    dup
    addi TXN_USED
    load
    pick 5
    add
    addi TXN_LOG_REC    ; ... txn used'
    over
    addi TXN_CAP
    load
    over
    lt
    jnz .full
    over
    addi TXN_USED
    dup
    load
    tor
    store               ; buf len type dst reply txn      R: used
    dup
    addi TXN_LEN
    load
    add
    addi TXN_HDR
    fromr
    add                 ; buf len type dst reply rec
    tuck
    addi 3
    store
    tuck
    addi 2
    store
    tuck
    addi 1
    store               ; buf len rec
    over
    over
    store
    addi TXN_LOG_REC
    rot
    rot                 ; rec+4 buf len
    call memcpy
    ret
.full:
    push TXN_E_LOG_FULL
    jmp txn_abort

; txn_assert ( flag code -- ): in a handler, txn_abort with `code` when
; `flag` is 0 (the transactional `assert`).
txn_assert:
    swap
    jz txn_abort
    drop
    ret

; txn_abort ( code -- ): in a handler, fails the transaction with `code`:
; the state block is restored, the log discarded, the handler's process ends.
txn_abort:
    call txn_mine
    swap
    call txn_undo
    push TXN_ABORTED
    swap
    addi TXN_PHASE
    store
    exit

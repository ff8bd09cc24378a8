; Bank transfers with transactional handlers (txn.s) under injected handler
; failures. Branches (nodes 1 .. BRANCHES) hold ACCTS accounts each: account
; a lives on node 1 + a / ACCTS. The teller (node 0) runs TELLERS processes
; that each ask for PER transfers of a random amount between two random
; accounts, one at a time, with rpc_call.
;
; A TRANSFER [tag, id, from, to, amount] goes to the branch of `from`, whose
; transactional handler refuses it (txn_assert, E_FUNDS) when the balance is
; short, else debits `from` and holds a DEPOSIT [tag, id, to, amount] to the
; branch of `to`, with the teller's reply-to. That branch's transactional
; handler credits `to` and holds the teller's answer RPC_DONE [tag, 0]. So
; the teller hears 0 only once the money has left one account and reached
; the other. Each handler fails at random at two points (one in FAIL_ONE_IN
; each, from the node's `rand`): the debit by `proc_fail` before the
; DEPOSIT is held and by `txn_abort` after; the credit by `txn_assert` before
; the answer is held and by `exit` after. A failed debit is answered with
; its abort code and the teller asks again (same id); a failed credit is
; retried at once by its branch, since the money has already left.
;
; Log: a branch logs (TAG_DEBIT, id, from, amount) and (TAG_CREDIT, id, to,
; amount) at each commit and (TAG_ABORT, id, code, point) at each abort
; (point 1 a debit, 2 a credit). The teller logs (TAG_DONE, id, from, to,
; amount, attempts) or (TAG_REFUSED, id, from, amount, attempts), then, once
; every teller is done, asks each branch for an AUDIT, logged by the branch
; as (TAG_AUDIT, node, balances..., applied, commits, aborts), and logs
; (TAG_END, transfers done).
.import "dispatch.s"
.import "rpc.s"
.import "monitor.s"
.import "txn.s"

.msg TRANSFER = 1       ; [tag, id, from, to, amount]; answer [tag, status]
.msg DEPOSIT = 2        ; [tag, id, to, amount], reply-to: the teller's
.msg AUDIT = 3          ; [tag]; answer [tag, 0]

.const BRANCHES = 3
.const ACCTS = 4                ; accounts per branch
.const NACCTS = BRANCHES * ACCTS
.const INITIAL = 1000           ; every account's opening balance
.const MAX_AMOUNT = 600         ; transfers of 1 .. MAX_AMOUNT
.const TELLERS = 3              ; teller processes on node 0
.const PER = 12                 ; transfers per teller process
.const FAIL_ONE_IN = 4          ; each failure point fails one time in FAIL_ONE_IN

.const E_FUNDS = 1              ; abort code: the balance is short (not retried)
.const E_INJECTED = 2           ; abort code of an injected txn_abort / txn_assert
.const A_NO_ANSWER = 0xB01      ; assertion: an rpc_call got no answer (no packet is lost here)

.const TAG_DEBIT = 1
.const TAG_CREDIT = 2
.const TAG_ABORT = 3
.const TAG_DONE = 4
.const TAG_REFUSED = 5
.const TAG_AUDIT = 6
.const TAG_END = 7

.const SLOT = 9                 ; stash slot: header + 5 payload words
.const SLOTS = 16
.const LOG_WORDS = 8            ; each handler holds one send of 4 words at most

; a teller record: the request [tag, id, from, to, amount], the answer
; (header + [tag, status]), attempts, transfers left
.const R_ID = 1
.const R_FROM = 2
.const R_TO = 3
.const R_AMOUNT = 4
.const R_REP = 5
.const R_ATT = 11
.const R_LEFT = 12
.const TREC = 13

.data
table:
    .word 3
    .word TRANSFER, 0, on_transfer
    .word DEPOSIT, 0, on_deposit
    .word AUDIT, 0, on_audit
stash: .space STASH_HDR + SLOT * SLOTS
balances: .word INITIAL, INITIAL, INITIAL, INITIAL   ; ACCTS words; the state block
applied: .word 0                                    ; debits and credits committed
ctx: .space TXN_HDR + ACCTS + 1 + LOG_WORDS
dep: .space 4           ; a DEPOSIT payload being held
ans: .word 0, 0         ; an answer payload being held
trecs: .space TELLERS * TREC
finished: .word 0       ; teller processes done
total: .word 0          ; transfers done
audit_req: .space 1
audit_rep: .space 6

.code
.entry teller_main
.entry branch

; ---- branches ----

branch:
    push ctx
    push balances
    push ACCTS + 1
    push LOG_WORDS
    call txn_init
    push table
    push stash
    push SLOT
    push SLOTS
    call dispatch_run

; branch_of ( account -- addr ): the address of the account's branch's inbox 0.
branch_of:
    push ACCTS
    divu
    addi 1
    push ADDR_SHIFT
    shl
    ret

; balance_of ( account -- addr ): the account's balance word on its branch.
balance_of:
    push ACCTS
    modu
    push balances
    add
    ret

; injected ( -- flag ): 1 one time in FAIL_ONE_IN.
injected:
    rand
    push FAIL_ONE_IN
    modu
    eqz
    ret

; log_abort ( msg point -- ): logs (TAG_ABORT, id, code, point).
log_abort:
    swap
    addi 5
    load
    loadi ctx + TXN_CODE
    rot
    push TAG_ABORT
    emit 3
    ret

; on_transfer ( msg -- ): debits in a transaction; answers a failure with its code.
on_transfer:
    dup
    push debit
    push ctx
    call txn_call
    jz .failed
    dup
    addi 5
    load
    over
    addi 6
    load
    pick 2
    addi 8
    load
    push TAG_DEBIT
    emit 3
    drop
    ret
.failed:
    dup
    push 1
    call log_abort
    loadi ctx + TXN_CODE
    call rpc_reply
    ret

; debit ( msg -- ): the transactional body of a TRANSFER.
debit:
    dup
    addi 6
    load
    call balance_of     ; msg &bal
    dup
    load
    pick 2
    addi 8
    load                ; msg &bal bal amount
    ge
    push E_FUNDS
    call txn_assert
    dup
    load
    pick 2
    addi 8
    load
    sub
    swap
    store               ; msg
    loadi applied
    addi 1
    storei applied
    call injected
    jz .hold
    push E_INJECTED
    call proc_fail
.hold:
    dup
    addi 4
    load
    storei dep
    dup
    addi 5
    load
    storei dep + 1
    dup
    addi 7
    load
    storei dep + 2
    dup
    addi 8
    load
    storei dep + 3
    push dep
    push 4
    push DEPOSIT
    loadi dep + 2
    call branch_of
    pick 4
    addi 2
    load
    call txn_send       ; msg
    call injected
    jz .done
    push E_INJECTED
    call txn_abort
.done:
    drop
    ret

; on_deposit ( msg -- ): credits in a transaction, again until it commits.
on_deposit:
    dup
    push credit
    push ctx
    call txn_call
    jnz .ok
    dup
    push 2
    call log_abort
    jmp on_deposit
.ok:
    dup
    addi 5
    load
    over
    addi 6
    load
    pick 2
    addi 7
    load
    push TAG_CREDIT
    emit 3
    drop
    ret

; credit ( msg -- ): the transactional body of a DEPOSIT.
credit:
    dup
    addi 6
    load
    call balance_of
    dup
    load
    pick 2
    addi 7
    load
    add
    swap
    store               ; msg
    loadi applied
    addi 1
    storei applied
    call injected
    eqz
    push E_INJECTED
    call txn_assert
    dup
    addi 4
    load
    storei ans
    push ans
    push 2
    push RPC_DONE
    pick 3
    addi 2
    load
    push -1
    call txn_send
    call injected
    jz .done
    exit
.done:
    drop
    ret

; on_audit ( msg -- ): logs the branch's books and answers 0.
on_audit:
    nodeid
    loadi balances
    loadi balances + 1
    loadi balances + 2
    loadi balances + 3
    loadi applied
    loadi ctx + TXN_COMMITS
    loadi ctx + TXN_ABORTS
    push TAG_AUDIT
    emit 8
    push 0
    call rpc_reply
    ret

; ---- the teller ----

teller_main:
    push 0
.spawn:
    dup
    push TELLERS
    lt
    jz .wait
    push teller
    over
    spawn
    drop
    addi 1
    jmp .spawn
.wait:
    drop
.poll:
    push 100
    sleep
    loadi finished
    push TELLERS
    lt
    jnz .poll
    push 1              ; branch node ids 1 .. BRANCHES
.audit:
    dup
    push BRANCHES
    gt
    jnz .end
    push audit_req
    push 1
    push AUDIT
    pick 3
    push ADDR_SHIFT
    shl
    push audit_rep
    push 2
    push -1
    call rpc_call
    push 1
    eq
    assert A_NO_ANSWER
    addi 1
    jmp .audit
.end:
    drop
    loadi total
    push TAG_END
    emit 1
    halt

; random_below ( n -- r ): a random number in 0 .. n - 1.
random_below:
    rand
    swap
    modu
    ret

; teller ( k -- ): teller process k asks for PER transfers, ids k * PER ...
teller:
    dup
    push TREC
    mul
    push trecs
    add                 ; k r
    swap
    push PER
    mul
    over
    addi R_ID
    store               ; r
    push PER
    over
    addi R_LEFT
    store
.next:
    push NACCTS
    call random_below
    over
    addi R_FROM
    store
    push NACCTS - 1
    call random_below
    addi 1
    over
    addi R_FROM
    load
    add
    push NACCTS
    modu
    over
    addi R_TO
    store
    push MAX_AMOUNT
    call random_below
    addi 1
    over
    addi R_AMOUNT
    store
    push 0
    over
    addi R_ATT
    store
.try:
    dup
    addi R_ATT
    dup
    load
    addi 1
    swap
    store
    dup                 ; r r
    push 5
    push TRANSFER
    pick 3
    addi R_FROM
    load
    call branch_of
    pick 4
    addi R_REP
    push 2              ; the answer's tag and status
    push -1
    call rpc_call       ; r rlen
    push 1
    eq
    assert A_NO_ANSWER
    dup
    addi R_REP + 5
    load                ; r status
    dup
    jz .done
    push E_FUNDS
    eq
    jz .try
    dup
    addi R_ID
    load
    over
    addi R_FROM
    load
    pick 2
    addi R_AMOUNT
    load
    pick 3
    addi R_ATT
    load
    push TAG_REFUSED
    emit 4
    jmp .step
.done:
    drop
    dup
    addi R_ID
    load
    over
    addi R_FROM
    load
    pick 2
    addi R_TO
    load
    pick 3
    addi R_AMOUNT
    load
    pick 4
    addi R_ATT
    load
    push TAG_DONE
    emit 5
    loadi total
    addi 1
    storei total
.step:
    dup
    addi R_ID
    dup
    load
    addi 1
    swap
    store
    dup
    addi R_LEFT
    dup
    load
    addi -1
    dup
    rot
    store
    jnz .next
    drop
    loadi finished
    addi 1
    storei finished
    exit

; Factorial server (entry `server`): a dispatch table with one entry, FACT,
; whose handler answers through rpc_reply. Uses the firmware library.
.import "dispatch.s"
.import "rpc.s"
.import "arith.s"

.const SLOT = 8         ; stash slot: 4 header words + 4 payload words
.const SLOTS = 4

.data
table:
    .word 1
    .word FACT, 0, on_fact
stash: .space STASH_HDR + SLOT * SLOTS

.code
.entry server
server:
    push table
    push stash
    push SLOT
    push SLOTS
    call dispatch_run

; on_fact ( msg -- ): answers [tag, n] with n!.
on_fact:
    dup
    addi 5
    load
    call factorial
    call rpc_reply
    ret

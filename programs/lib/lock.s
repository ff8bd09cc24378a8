; lock.s — the broadcast lock (the aether paper's section 5.3).
; Part of the aether firmware standard library (docs/firmware.md).
;
; A holder locks a list of target nodes with lock_acquire. A lockable node
; serves LOCK through its dispatch table (lock_on_lock): when it is locked
; already it refuses; otherwise it marks itself locked and spawns a worker
; process that locks the node's own targets (lock_init) recursively, and on
; success opens a private inbox and answers with its address; if any target
; refuses, the worker releases what it got, unlocks and refuses (the attempt
; unwinds). The holder releases with lock_release: a RELEASE to every private
; address, each acknowledged after the node has released its own targets.
; The worker closes its private inbox and exits, so no inbox or process leaks.
.import "rpc.s"
.import "dispatch.s"

.msg LOCK = 0x7FFF02            ; request: payload [tag]; answer [tag, private address or 0]
.msg RELEASE = 0x7FFF03         ; request to a private address: payload [tag]; answer [tag, 1]
.const LOCK_MAX = 16            ; most targets of a lockable node

.data
lock_state: .word 0     ; 1 while this node is locked
lock_targets: .word 0   ; address of this node's target list (address words)
lock_ntargets: .word 0  ; its length
lock_req: .space 5      ; the granted LOCK: header + [tag]
lock_held: .space LOCK_MAX ; private addresses this node's worker holds
lock_buf: .space 1      ; [tag] of the lock routines' requests
lock_rep: .space 6      ; their answers
lock_msg: .space 5      ; the RELEASE a worker receives

.code
; lock_init ( list n -- ): this node's own lock targets (default: none).
lock_init:
    storei lock_ntargets
    storei lock_targets
    ret

; lock_acquire ( list n held -- ok ): locks the `n` nodes at the address words
; of `list`, in order, storing their private addresses in `held` (n words);
; on a refusal releases those it got and returns 0.
lock_acquire:
    push 0              ; list n held i
.loop:
    dup
    pick 3
    lt
    jz .ok
    push lock_buf
    push 1
    push LOCK
    pick 6
    pick 4
    add
    load
    push lock_rep
    push 2
    push -1
    call rpc_call       ; list n held i rlen
    push 1
    eq
    jz .fail
    loadi lock_rep+5
    dup
    jz .refused
    pick 2
    pick 2
    add
    store
    addi 1
    jmp .loop
.refused:
    drop
.fail:
    tor
    tor
    drop
    drop
    fromr
    fromr
    call lock_release
    push 0
    ret
.ok:
    drop
    drop
    drop
    drop
    push 1
    ret

; lock_release ( held n -- ): releases the `n` private addresses at `held`,
; last first, waiting for each acknowledgement.
lock_release:
.loop:
    dup
    jz .done
    addi -1
    push lock_buf
    push 1
    push RELEASE
    pick 4
    pick 4
    add
    load
    push lock_rep
    push 2
    push -1
    call rpc_call
    drop
    jmp .loop
.done:
    drop
    drop
    ret

; lock_on_lock ( msg -- ): the dispatch handler for LOCK.
lock_on_lock:
    loadi lock_state
    jz .grant
    push 0
    call rpc_reply
    ret
.grant:
    push 1
    storei lock_state
    push lock_worker
    swap
    push lock_req
    call subordinate
    drop
    ret

; lock_worker ( req -- ): holds this node's lock for the holder whose LOCK
; request is at `req` (lock_req), as a subordinate process (see above).
lock_worker:
    drop
    loadi lock_targets
    loadi lock_ntargets
    push lock_held
    call lock_acquire
    jz .refuse
    open                ; p
    push lock_req
    over
    call my_addr
    call rpc_reply      ; granted: [tag, private address]
    push lock_msg
    push 1
    pick 2
    push -1
    call recv_timeout   ; p len: the RELEASE
    drop
    push lock_held
    loadi lock_ntargets
    call lock_release
    push 0
    storei lock_state
    push lock_msg
    push 1
    call rpc_reply      ; acknowledged
    close
    exit
.refuse:
    push 0
    storei lock_state
    push lock_req
    push 0
    call rpc_reply
    exit

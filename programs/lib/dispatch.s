; dispatch.s — message dispatch by type with guards (aether's define-message-dispatch).
; Part of the aether firmware standard library (docs/firmware.md).
;
; A dispatch table in data memory is a count followed by that many entries of
; three words: message type, guard (a code address, 0 for none) and handler:
;
;     table: .word 2
;            .word PING, 0, on_ping
;            .word WORK, can_work, on_work
;
; guard   ( msg -- flag )  may the message be handled now?
; handler ( msg -- )       runs to completion; must not receive from inbox 0
;
; `msg` is the address of the received message: msg[0] type, msg[1] source,
; msg[2] reply-to, msg[3] payload length, msg+4 payload. Messages arrive in
; inbox 0 and are kept in the caller's stash (msg.s) until a handler takes
; them, so a message whose guard is false waits, in order, until it holds.
; A message of a type the table does not list is dropped and counted in
; lib_dropped.
.import "msg.s"

.data
lib_dropped: .word 0    ; messages dropped by dispatch: no table entry for their type

.code
; dispatch_lookup ( table type -- entry ): the table entry for `type`, or 0.
dispatch_lookup:
    over
    load
    rot
    addi 1              ; type n p
.loop:
    over
    jz .none
    dup
    load
    pick 3
    eq
    jnz .found
    addi 3
    swap
    addi -1
    swap
    jmp .loop
.found:
    nip
    nip
    ret
.none:
    drop
    drop
    drop
    push 0
    ret

; dispatch_step ( table stash -- handled ): runs the handler of the oldest
; stashed message whose guard holds and deletes it (handled = 1); drops
; messages without an entry; handled = 0 when nothing can run.
dispatch_step:
    push 0              ; table stash i
.loop:
    dup
    pick 2
    load
    lt
    jz .none
    over
    over
    call stash_slot     ; table stash i slot
    pick 3
    over
    load
    call dispatch_lookup ; table stash i slot entry
    dup
    jz .unknown
    dup
    addi 1
    load                ; table stash i slot entry guard
    dup
    jz .run
    pick 2
    swap
    calli               ; table stash i slot entry flag
    jz .skip
    push 0
.run:
    drop
    addi 2
    load                ; table stash i slot handler
    calli               ; table stash i
    call stash_remove   ; table
    drop
    push 1
    ret
.skip:
    drop
    drop
    addi 1
    jmp .loop
.unknown:
    drop
    drop
    loadi lib_dropped
    addi 1
    storei lib_dropped
    over
    over
    call stash_remove
    jmp .loop
.none:
    drop
    drop
    drop
    push 0
    ret

; dispatch_drain ( stash inbox -- ): moves every waiting message of `inbox` into the stash.
dispatch_drain:
.loop:
    dup
    poll
    jz .done
    over
    over
    call stash_put
    drop
    jmp .loop
.done:
    drop
    drop
    ret

; dispatch_all ( table stash -- n ): drains inbox 0 and handles messages
; until none can run; n = the number handled. It yields after every handled
; message, so that processes the handlers spawned or woke run even while
; messages keep arriving.
dispatch_all:
    push 0              ; table stash n
.loop:
    over
    push 0
    call dispatch_drain
    pick 2
    pick 2
    call dispatch_step
    jz .done
    addi 1
    yield
    jmp .loop
.done:
    nip
    nip
    ret

; dispatch_serve ( table stash timeout -- n ): handles what can run; if
; nothing could, waits up to `timeout` cycles (negative: forever) for a
; message in inbox 0 and handles again. n = messages handled.
dispatch_serve:
    tor                 ; table stash      R: timeout
    over
    over
    call dispatch_all
    dup
    jnz .out
    drop
    push 0
    fromr
    call await          ; table stash got
    jz .zero
    call dispatch_all
    ret
.zero:
    drop
    drop
    push 0
    ret
.out:
    rdrop
    nip
    nip
    ret

; dispatch_forever ( table stash -- ): serves inbox 0 for good.
dispatch_forever:
    over
    over
    push -1
    call dispatch_serve
    drop
    jmp dispatch_forever

; dispatch_run ( table stash slot cap -- ): makes `stash` an empty stash of
; `cap` slots of `slot` words and serves inbox 0 for good.
dispatch_run:
    pick 2
    tor
    call stash_init
    fromr
    jmp dispatch_forever

; subordinate ( routine msg buf -- pid ): aether's define-message-subordinate:
; copies the message at `msg` (header and payload) to `buf`, which must hold
; 4 + its payload words, and spawns a process running `routine` ( buf -- )
; that may wait, sleep and call RPCs while the dispatcher keeps serving. Use
; it from a handler; the subordinate ends with `exit`.
subordinate:
    dup
    pick 2
    dup
    addi 3
    load
    addi 4
    call memcpy         ; routine msg buf
    nip
    spawn
    ret

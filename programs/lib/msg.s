; msg.s — receiving with a timeout, selective receive and stashes.
; Part of the aether firmware standard library (docs/firmware.md).
; Every routine takes its arguments on the data stack and returns its results
; there; none keeps state in memory between calls except in the stash the
; caller passes, so blocking routines are safe to use from several processes.

.const LIB_POLL = 64            ; polling period (cycles) while another inbox holds a message
.const STASH_HDR = 3            ; stash header words: count, slot words, capacity
.const LIB_E_STASH_FULL = 0xA01 ; assertion code: a stash has no free slot

.code
; my_addr ( inbox -- addr ): the address word of one of this node's inboxes.
my_addr:
    nodeid
    push ADDR_SHIFT
    shl
    or
    ret

; await ( inbox timeout -- got ): waits until `inbox` holds a message (got = 1)
; or `timeout` cycles have passed (got = 0); a negative timeout waits forever.
; While another inbox of the process holds a message, `wait` would return at
; once, so the routine then sleeps LIB_POLL cycles between looks.
await:
    dup
    push 0
    lt                  ; inbox timeout inf
    swap
    cycles
    add                 ; inbox inf deadline
    swap                ; inbox deadline inf
.loop:
    pick 2
    poll
    jnz .yes
    dup
    jnz .forever
    over
    cycles
    sub                 ; inbox deadline inf rem
    dup
    push 0
    gt
    jnz .wait
    drop
    drop
    drop
    drop
    push 0
    ret
.forever:
    push -1             ; inbox deadline inf rem
.wait:
    dup
    wait                ; inbox deadline inf rem got
    jz .again
    pick 3
    poll
    jnz .again          ; the message is in our inbox
    dup                 ; another inbox woke us: sleep min(rem, LIB_POLL), unsigned
    push LIB_POLL
    ltu
    jnz .short
    drop
    push LIB_POLL
.short:
    sleep
    jmp .loop
.again:
    drop
    jmp .loop
.yes:
    drop
    drop
    drop
    push 1
    ret

; recv_timeout ( buf max inbox timeout -- len ): `recv` once `inbox` holds a
; message; len = -1 when `timeout` cycles pass first (negative: no timeout).
recv_timeout:
    over
    swap
    call await          ; buf max inbox got
    jz .none
    recv
    ret
.none:
    drop
    drop
    drop
    push -1
    ret

; memcpy ( dst src n -- ): copies n words upwards (dst <= src or no overlap).
memcpy:
.loop:
    dup
    jz .done
    tor                 ; dst src        R: n
    dup
    load
    pick 2
    store
    addi 1
    swap
    addi 1
    swap
    fromr
    addi -1
    jmp .loop
.done:
    drop
    drop
    drop
    ret

; stash_init ( stash slot cap -- ): makes an empty stash of `cap` slots of
; `slot` words each (4 header words + slot - 4 payload words) at `stash`,
; which must have STASH_HDR + slot * cap words.
stash_init:
    pick 2
    addi 2
    store
    over
    addi 1
    store
    push 0
    swap
    store
    ret

; stash_slot ( stash i -- addr ): the address of slot i (0 = oldest message).
stash_slot:
    over
    addi 1
    load
    mul
    add
    addi STASH_HDR
    ret

; stash_put ( stash inbox -- len ): moves the oldest message of `inbox` (which
; must hold one) into the next free slot; faults LIB_E_STASH_FULL when full.
stash_put:
    over
    load
    pick 2
    addi 2
    load
    lt
    assert LIB_E_STASH_FULL
    over
    dup
    load                ; stash inbox stash count
    call stash_slot     ; stash inbox addr
    pick 2
    addi 1
    load
    addi -4             ; stash inbox addr max
    rot                 ; stash addr max inbox
    recv                ; stash len
    swap
    dup
    load
    addi 1
    swap
    store               ; len
    ret

; stash_remove ( stash i -- ): deletes slot i, moving the younger slots down.
stash_remove:
    over
    over
    call stash_slot     ; stash i dst
    pick 2
    load
    pick 2
    sub
    addi -1             ; stash i dst slots-after
    pick 3
    addi 1
    load
    mul                 ; stash i dst words
    over
    pick 4
    addi 1
    load
    add                 ; stash i dst words src
    swap
    call memcpy         ; stash i
    drop
    dup
    load
    addi -1
    swap
    store
    ret

; stash_find ( stash type -- i ): the oldest slot holding a message of `type`, or -1.
stash_find:
    push 0              ; stash type i
.loop:
    dup
    pick 3
    load
    lt
    jz .none
    pick 2
    over
    call stash_slot
    load                ; stash type i t
    pick 2
    eq
    jnz .found
    addi 1
    jmp .loop
.found:
    nip
    nip
    ret
.none:
    drop
    drop
    drop
    push -1
    ret

; stash_take ( buf stash i -- len ): copies slot i (its header and the payload
; words it holds) to `buf`, which must have the stash's slot size, deletes the
; slot and pushes the message's payload length.
stash_take:
    over
    over
    call stash_slot     ; buf stash i src
    dup
    addi 3
    load
    tor                 ; buf stash i src          R: len
    pick 3
    swap                ; buf stash i buf src
    pick 3
    addi 1
    load                ; buf stash i buf src slot
    rfetch
    addi 4              ; buf stash i buf src slot len+4
    over
    over
    lt
    jnz .cap
    nip
    jmp .copy
.cap:
    drop
.copy:
    call memcpy         ; buf stash i
    call stash_remove   ; buf
    drop
    fromr
    ret

; stash_recv ( buf stash inbox timeout -- len ): the oldest message, stashed
; ones first (they arrived before anything still in the inbox); otherwise as
; recv_timeout into `buf` (slot size) with the slot's payload capacity.
stash_recv:
    pick 2
    load
    jz .inbox
    drop
    drop
    push 0
    call stash_take
    ret
.inbox:                 ; buf stash inbox timeout
    rot
    addi 1
    load
    addi -4             ; buf inbox timeout max
    rot
    rot                 ; buf max inbox timeout
    call recv_timeout
    ret

; recv_select ( buf stash inbox type timeout -- len ): selective receive: the
; oldest message of `type`, from the stash or else from `inbox`; every other
; message met on the way is kept in the stash, in order. len = -1 when
; `timeout` cycles (negative: forever) pass without one; `buf` has slot size.
recv_select:
    dup
    push 0
    lt                  ; buf stash inbox type timeout inf
    swap
    cycles
    add
    swap                ; buf stash inbox type deadline inf
    pick 4
    pick 3
    call stash_find     ; ... i
    dup
    push 0
    lt
    jnz .receive
    tor
    drop
    drop
    drop
    drop                ; buf stash        R: i
    fromr
    call stash_take
    ret
.receive:
    drop
.loop:                  ; buf stash inbox type deadline inf
    pick 3              ; inbox
    over
    jnz .forever
    pick 2
    cycles
    sub                 ; ... inbox rem
    dup
    push 0
    gt
    jnz .await
    drop
    push 0
    jmp .got
.forever:
    push -1
.await:
    call await          ; ... got
.got:
    jz .timeout
    pick 4
    pick 4
    call stash_put
    drop                ; buf stash inbox type deadline inf
    pick 4
    dup
    load
    addi -1             ; ... stash last
    over
    over
    call stash_slot
    load                ; ... stash last t
    pick 5
    eq
    jnz .match
    drop
    drop
    jmp .loop
.match:                 ; buf stash inbox type deadline inf stash last
    tor
    tor
    drop
    drop
    drop
    drop
    drop                ; buf          R: last stash
    fromr
    fromr
    call stash_take
    ret
.timeout:
    drop
    drop
    drop
    drop
    drop
    drop
    push -1
    ret

; forward ( msg dst -- ): sends a received message on to address `dst` with
; its type, payload and reply-to (the message must have been received whole).
forward:
    tor
    dup
    addi 4
    over
    addi 3
    load                ; msg buf len
    pick 2
    load                ; msg buf len type
    fromr               ; msg buf len type dst
    pick 4
    addi 2
    load                ; msg buf len type dst reply
    send
    drop
    ret

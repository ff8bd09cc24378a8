; cast.s — broadcast and convergecast with a user reduction.
; Part of the aether firmware standard library (docs/firmware.md).
;
; A convergecast runs as a frame, not as a blocked process: the handler that
; starts it sends the cast to its targets with ccast_send and returns; every
; CAST_REPLY comes back to inbox 0, where the dispatch table sends it to
; ccast_on_reply, which folds it into the frame with the user's reduction.
; When every target has answered (and ccast_end was called) the frame replies
; [parent's tag, result] to its parent, calls its `done` routine, and frees.
; Cast messages carry the frame's tag in payload word 0 (filled in by
; ccast_send); the user's payload starts at word 1 (msg+5 when received).
.import "msg.s"
.import "rpc.s"

.msg CAST_REPLY = 0x7FFF01      ; a convergecast answer: payload [tag, value]
.const CAST_FRAMES = 16         ; convergecasts in progress at once on a node
.const FRAME_WORDS = 8          ; used, pending, acc, reduce, done, parent, ptag, ended
.const LIB_E_FRAMES = 0xA02     ; assertion code: no free convergecast frame
.const LIB_E_CAST_TAG = 0xA03   ; assertion code: a CAST_REPLY for a free frame

.data
cast_frames: .space CAST_FRAMES * FRAME_WORDS
lib_cast_out: .space 2  ; the [tag, result] payload a completed frame sends

.code
; ccast_begin ( input reduce done msg -- frame ): starts a convergecast with
; accumulator `input`, reduction `reduce` ( acc value -- acc' ) and `done`
; ( result -- ) (0 for none); `msg` is the cast message being answered
; (its reply-to and tag name the parent) or 0 at the root.
ccast_begin:
    push cast_frames
.find:
    dup
    load
    jz .got
    addi FRAME_WORDS
    dup
    push cast_frames + CAST_FRAMES * FRAME_WORDS
    lt
    assert LIB_E_FRAMES
    jmp .find
.got:                   ; input reduce done msg f
    push 1
    over
    store
    push 0
    over
    addi 1
    store
    push 0
    over
    addi 7
    store
    swap                ; input reduce done f msg
    dup
    jz .root
    dup
    addi 2
    load
    pick 2
    addi 5
    store
    addi 4
    load
    over
    addi 6
    store               ; input reduce done f
    jmp .rest
.root:
    drop
    push -1
    over
    addi 5
    store
.rest:
    swap
    over
    addi 4
    store
    swap
    over
    addi 3
    store
    swap
    over
    addi 2
    store               ; f
    ret

; ccast_send ( frame buf len type dst -- ): sends the `len` words at `buf`
; (buf[0] becomes the frame's tag) as a cast of `type` to `dst`, reply-to
; this node's inbox 0; the frame now waits for one more answer.
ccast_send:
    pick 4
    pick 4
    store
    push 0
    call my_addr
    send
    dup
    addi 1
    load
    addi 1
    swap
    addi 1
    store
    ret

; ccast_send_all ( frame buf len type list n -- ): ccast_send to each of the
; `n` address words at `list`.
ccast_send_all:
.loop:
    dup
    jz .done
    tor
    tor                 ; frame buf len type       R: n list
    pick 3
    pick 3
    pick 3
    pick 3
    rfetch
    load
    call ccast_send     ; frame buf len type
    fromr
    addi 1
    fromr
    addi -1
    jmp .loop
.done:
    drop
    drop
    drop
    drop
    drop
    drop
    ret

; ccast_end ( frame -- ): every cast of the frame is sent; a frame with no
; pending answer (a leaf) completes at once.
ccast_end:
    push 1
    over
    addi 7
    store
    dup
    addi 1
    load
    jz cast_complete
    drop
    ret

; cast_complete ( frame -- ): replies [ptag, acc] to the parent (if any),
; frees the frame and calls its done routine with the result.
cast_complete:
    dup
    addi 6
    load
    storei lib_cast_out
    dup
    addi 2
    load
    storei lib_cast_out+1
    push 0
    over
    store
    dup
    addi 5
    load
    dup
    push -1
    eq
    jnz .orphan
    tor
    push lib_cast_out
    push 2
    push CAST_REPLY
    fromr
    push -1
    send
    jmp .done
.orphan:
    drop
.done:
    addi 4
    load
    dup
    jz .none
    loadi lib_cast_out+1
    swap
    calli
    ret
.none:
    drop
    ret

; ccast_on_reply ( msg -- ): the dispatch handler for CAST_REPLY: folds the
; value into its frame and completes the frame on its last answer.
ccast_on_reply:
    dup
    addi 4
    load                ; msg frame
    dup
    load
    assert LIB_E_CAST_TAG
    swap
    addi 5
    load                ; frame value
    over
    addi 2
    load
    swap                ; frame acc value
    pick 2
    addi 3
    load
    calli               ; frame acc'
    over
    addi 2
    store
    dup
    addi 1
    load
    addi -1
    dup
    pick 2
    addi 1
    store               ; frame pending
    jnz .wait
    dup
    addi 7
    load
    jz .wait
    jmp cast_complete
.wait:
    drop
    ret

; ccast_reply ( msg value -- ): answers a cast at once (a node that is not
; joining it, e.g. one already reached by a flood).
ccast_reply:
    push CAST_REPLY
    jmp reply_tagged

; bcast ( buf len type list n -- ): sends the `len` words at `buf` as a
; message of `type` to each of the `n` address words at `list`, without
; reply-to (a broadcast step that expects no answer).
bcast:
.loop:
    dup
    jz .done
    tor
    tor                 ; buf len type       R: n list
    pick 2
    pick 2
    pick 2
    rfetch
    load
    push -1
    send
    fromr
    addi 1
    fromr
    addi -1
    jmp .loop
.done:
    drop
    drop
    drop
    drop
    drop
    ret

; reduce_add ( a b -- a+b ) and reduce_max ( a b -- max ): ready-made reductions.
reduce_add:
    add
    ret
reduce_max:
    over
    over
    lt
    jz .keep
    nip
    ret
.keep:
    drop
    ret

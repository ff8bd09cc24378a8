; rpc.s — remote procedure calls with request tags (Termite's !?), both sides.
; Part of the aether firmware standard library (docs/firmware.md).
;
; A request is any message whose payload word 0 is the tag (rpc_call fills
; it in); the server answers with an RPC_DONE whose payload is [tag, result
; words...] to the request's reply-to address.
.import "msg.s"

.msg RPC_DONE = 0x7FFF00        ; an answer: payload [tag, result...]
.const RPC_TIMEOUT = -1         ; rpc_call: no answer within the timeout
.const RPC_RETURNED = -2        ; rpc_call: the request came back to sender
.const RETURNED_BIT = 0x80000000

.data
lib_tag: .word 0        ; the last request tag handed out on this node
lib_reply: .space 2     ; the [tag, value] payload of rpc_reply / ccast_reply

.code
; rpc_call ( buf len type dst rbuf rmax timeout -- rlen ): sends the `len`
; words at `buf` (buf[0] is overwritten with a fresh tag) as a message of
; `type` to address `dst`, with the reply-to address of a fresh private
; inbox, and waits up to `timeout` cycles (negative: forever) for the answer,
; received at `rbuf` (header, tag at rbuf[4], results from rbuf+5; rmax >= 1
; payload words). rlen = number of result words, RPC_TIMEOUT or RPC_RETURNED.
; Answers with another tag are discarded (and the wait starts again).
; The private inbox is closed before returning.
rpc_call:
    loadi lib_tag
    addi 1
    dup
    storei lib_tag      ; buf len type dst rbuf rmax timeout tag
    dup
    pick 8
    store
    open                ; buf len type dst rbuf rmax timeout tag inbox
    pick 8
    pick 8
    pick 8
    pick 8
    pick 4
    call my_addr
    send
    tor
    tor
    tor
    tor
    tor
    drop
    drop
    drop
    drop
    fromr
    fromr
    fromr
    fromr
    fromr               ; rbuf rmax timeout tag inbox
.loop:
    pick 4
    pick 4
    pick 2
    pick 5
    call recv_timeout   ; rbuf rmax timeout tag inbox len
    dup
    push 0
    lt
    jnz .timeout
    pick 5
    load                ; ... len type
    dup
    push 0
    lt
    jnz .returned
    push RPC_DONE
    eq
    jz .discard
    pick 5
    addi 4
    load
    pick 3
    eq
    jz .discard
    addi -1
    jmp .finish
.discard:
    drop
    jmp .loop
.returned:
    drop
    drop
    push RPC_RETURNED
    jmp .finish
.timeout:
    drop
    push RPC_TIMEOUT
.finish:                ; rbuf rmax timeout tag inbox result
    swap
    close
    nip
    nip
    nip
    nip
    ret

; reply_tagged ( msg value type -- ): sends a [msg's tag, value] message of
; `type` to msg's reply-to address; nothing when it has none.
reply_tagged:
    swap
    storei lib_reply+1  ; msg type
    over
    addi 4
    load
    storei lib_reply
    swap
    addi 2
    load                ; type reply
    dup
    push -1
    eq
    jnz .none
    tor
    tor
    push lib_reply
    push 2
    fromr
    fromr
    push -1
    send
    ret
.none:
    drop
    drop
    ret

; rpc_reply ( msg value -- ): answers the request at `msg` with one result word.
rpc_reply:
    push RPC_DONE
    jmp reply_tagged

; rpc_reply_buf ( msg buf len -- ): answers the request at `msg` with the
; `len` words at `buf`, whose word 0 is overwritten with the request's tag.
rpc_reply_buf:
    pick 2
    addi 4
    load
    pick 2
    store
    rot
    addi 2
    load                ; buf len reply
    dup
    push -1
    eq
    jnz .none
    tor
    push RPC_DONE
    fromr
    push -1
    send
    ret
.none:
    drop
    drop
    drop
    ret

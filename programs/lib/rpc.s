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

; rpc_gather ( buf len type list n out timeout -- got ): aether's batch send
; and with-replies: sends the request at `buf` (buf[0] becomes one fresh tag)
; to each of the `n` address words at `list`, each with its own fresh private
; reply inbox, then gathers the answers in target order within `timeout`
; cycles in all (negative: for ever). out[i] = the first result word of
; target i's answer, or RPC_TIMEOUT / RPC_RETURNED; got = answers received.
; `out` has 2 n + 6 words: out[n .. 2n) hold the reply inboxes, out + 2n the
; answer being read. Every reply inbox is closed before returning.
rpc_gather:
    loadi lib_tag
    addi 1
    dup
    storei lib_tag
    pick 7
    store
    dup
    push 0
    lt
    swap
    cycles
    add                 ; buf len type list n out inf deadline
    push 0              ; ... i
.send:
    dup
    pick 5
    lt
    jz .sent
    open                ; ... i p
    dup
    pick 5
    pick 7
    add
    pick 3
    add
    store               ; out[n + i] = p
    pick 9
    pick 9
    pick 9
    pick 9
    pick 5
    add
    load                ; ... i p buf len type dst
    pick 4
    call my_addr
    send
    drop
    addi 1
    jmp .send
.sent:
    drop
    push 0
    push 0              ; buf len type list n out inf deadline got i
.gather:
    dup
    pick 6
    lt
    jz .done
    pick 4
    pick 6
    dup
    add
    add                 ; ... got i rbuf
    pick 5
    pick 7
    add
    pick 2
    add
    load                ; ... got i rbuf inbox
    pick 5
    jnz .forever
    pick 4
    cycles
    sub
    dup
    push 0
    lt
    jz .wait
    drop
    push 0
    jmp .wait
.forever:
    push -1
.wait:
    call gather_one     ; ... got i result ok
    swap
    pick 2
    pick 7
    add
    store               ; ... got i ok
    rot
    add
    swap                ; ... got' i
    addi 1
    jmp .gather
.done:
    drop
    tor
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    fromr
    ret

; gather_one ( rbuf inbox rem -- result ok ): one answer of rpc_gather:
; its first result word and ok = 1, or RPC_TIMEOUT / RPC_RETURNED and 0;
; closes the inbox.
gather_one:
    pick 2
    push 2
    pick 3
    pick 3
    call recv_timeout   ; rbuf inbox rem len
    nip
    swap
    close               ; rbuf len
    push 0
    lt
    jnz .timeout
    dup
    load
    push 0
    lt
    jnz .returned
    addi 5
    load
    push 1
    ret
.timeout:
    drop
    push RPC_TIMEOUT
    push 0
    ret
.returned:
    drop
    push RPC_RETURNED
    push 0
    ret

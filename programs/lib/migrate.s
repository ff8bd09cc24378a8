; migrate.s — process migration (Termite's migrate/proxy): a running process
; moves itself to another node, taking its resume point, its whole data
; stack, a declared number of return-stack words and a declared state block;
; the process it leaves behind becomes a proxy that forwards every message of
; its old inbox to the new one.
; Part of the aether firmware standard library (docs/firmware.md).
;
; The move is one MIGRATE message from the process to inbox 0 of the
; destination, which runs mig_daemon (or calls mig_land from its own loop):
; it spawns a process that puts the stacks and the block back, opens a fresh
; inbox, answers MIG_LANDED with that inbox's address as the reply-to and
; returns into the code after the `call migrate`. Every node runs the same
; image: code addresses and the block's address mean the same everywhere.
.import "msg.s"

.msg MIGRATE = 0x7FFF05         ; a process on the move: payload below
.msg MIG_LANDED = 0x7FFF06      ; it landed: no payload, reply-to = its new inbox

.const MIG_D = 0                ; payload word: data-stack words carried (d)
.const MIG_R = 1                ; return-stack words carried below the resume point (r)
.const MIG_N = 2                ; state-block words (n)
.const MIG_STATE = 3            ; the state block's address
.const MIG_PC = 4               ; the resume point (return address of `call migrate`)
.const MIG_IMAGE = 5            ; the sender's address of mig_resume (same image check)
.const MIG_HDR = 6              ; header words; then d data words, r return words, n block words
.const MIG_MAX = 256            ; most payload words of a MIGRATE (and of a forwarded message)
.const MIG_BUF = 4 + MIG_MAX    ; words of a receive buffer for them (mig_daemon's)
.const MIG_OUT = mig_buf + 4    ; where migrate builds its MIGRATE payload
.const MIG_POLL = 16            ; cycles to sleep while another process holds mig_buf

.const MIG_E_NODE = 0xA20       ; assertion: the destination is not a node of the run
.const MIG_E_TOO_BIG = 0xA21    ; assertion: the process does not fit in MIG_MAX payload words
.const MIG_E_DOWN = 0xA22       ; assertion: the destination did not take the process
                                ; (MIGRATE came back, or no MIG_LANDED within mig_timeout)
.const MIG_E_BAD = 0xA23        ; assertion: mig_land got something that is not a whole MIGRATE
.const MIG_E_IMAGE = 0xA24      ; assertion: a MIGRATE from a node running another image
.const MIG_E_LOST = 0xA25       ; assertion: the landed process did not take its state
.const MIG_E_FWD_BIG = 0xA26    ; assertion: a proxy got a message longer than MIG_MAX words

.data
mig_timeout: .word 1000000      ; cycles migrate waits for MIG_LANDED
mig_busy: .word 0               ; a process is using mig_buf
mig_buf: .space MIG_BUF         ; the node's buffer for leaving processes and proxies
mig_ack: .space 4               ; the MIG_LANDED header

.code
; migrate ( xs.. r state n inbox node -- xs.. inbox' ): moves the calling
; process to `node`. It carries every word xs.. of its data stack, the `r`
; return-stack words below this call's return address, and the `n` words of
; the state block at `state` (MIG_HDR + d + r + n words in all, at most
; MIG_MAX). It returns on `node`, in a new process, with the same stacks and
; block and `inbox'`, a fresh inbox it owns there. The process left behind
; becomes a proxy that forwards every message of `inbox` to `inbox'`.
; Faults MIG_E_NODE, MIG_E_TOO_BIG, MIG_E_DOWN.
migrate:
    dup
    nodes
    ltu
    assert MIG_E_NODE   ; xs.. r state n inbox node       R: frames.. pc
    call mig_claim
    depth
    addi -5
    storei MIG_OUT + MIG_D
    pick 4
    storei MIG_OUT + MIG_R
    pick 3
    storei MIG_OUT + MIG_STATE
    pick 2
    storei MIG_OUT + MIG_N
    fromr
    storei MIG_OUT + MIG_PC     ;                         R: frames..
    push mig_resume
    storei MIG_OUT + MIG_IMAGE
    call mig_size       ; xs.. r state n inbox node len
    loadi MIG_OUT + MIG_R
    dup
    loadi MIG_OUT + MIG_D
    add
    addi MIG_OUT + MIG_HDR      ; ... len r p   (one past the top return word's place)
.frames:
    over
    jz .framed
    addi -1
    fromr
    over
    store
    swap
    addi -1
    swap
    jmp .frames
.framed:
    drop
    drop
    tor
    tor
    tor                 ; xs.. r state n        R: len node inbox
    drop
    drop
    drop
    loadi MIG_OUT + MIG_D
    addi MIG_OUT + MIG_HDR - 1  ; xs.. p   (the top data word's place)
.stack:
    depth
    addi -1
    jz .stacked
    tuck
    store
    addi -1
    jmp .stack
.stacked:
    drop
    call mig_block
    fromr
    fromr
    fromr               ; inbox node len
    open
    tor                 ; inbox node len        R: priv
    push MIG_OUT
    swap
    push MIGRATE
    pick 3
    push ADDR_SHIFT
    shl
    rfetch
    call my_addr
    send                ; inbox node
    push 0
    storei mig_busy
    drop
    fromr
    call mig_answer     ; inbox new
    jmp mig_proxy

; mig_claim ( -- ): takes mig_buf, sleeping MIG_POLL cycles at a time while
; another process of the node holds it (a proxy or a leaving process whose
; send is stalled on a full transmit queue).
mig_claim:
    loadi mig_busy
    jz .free
    push MIG_POLL
    sleep
    jmp mig_claim
.free:
    push 1
    storei mig_busy
    ret

; mig_size ( -- len ): the payload length of the MIGRATE being built;
; faults MIG_E_TOO_BIG past MIG_MAX (a negative r or n is too big).
mig_size:
    loadi MIG_OUT + MIG_R
    push MIG_MAX + 1
    ltu
    assert MIG_E_TOO_BIG
    loadi MIG_OUT + MIG_N
    push MIG_MAX + 1
    ltu
    assert MIG_E_TOO_BIG
    loadi MIG_OUT + MIG_D
    loadi MIG_OUT + MIG_R
    add
    loadi MIG_OUT + MIG_N
    add
    addi MIG_HDR
    dup
    push MIG_MAX + 1
    ltu
    assert MIG_E_TOO_BIG
    ret

; mig_block ( -- ): copies the state block into the MIGRATE being built.
mig_block:
    loadi MIG_OUT + MIG_D
    loadi MIG_OUT + MIG_R
    add
    addi MIG_OUT + MIG_HDR
    loadi MIG_OUT + MIG_STATE
    loadi MIG_OUT + MIG_N
    jmp memcpy

; mig_answer ( priv -- new ): waits up to mig_timeout cycles on `priv` for
; MIG_LANDED, closes `priv` and gives the new inbox's address; faults
; MIG_E_DOWN when the MIGRATE came back or nothing came.
mig_answer:
    dup
    tor
    push mig_ack
    swap
    push 0
    swap
    loadi mig_timeout
    call recv_timeout
    push -1
    ne
    assert MIG_E_DOWN
    loadi mig_ack
    push MIG_LANDED
    eq
    assert MIG_E_DOWN
    loadi mig_ack + 2
    fromr
    close
    ret

; mig_proxy ( inbox new -- ): the process a migration leaves behind:
; forwards every message of `inbox` to address `new`, with its type, payload
; and reply-to, for ever. Faults MIG_E_FWD_BIG for a message longer than
; MIG_MAX words.
mig_proxy:
    over
    push -1
    call await
    drop
    call mig_claim
    push mig_buf
    push MIG_MAX
    pick 3
    recv
    push MIG_MAX + 1
    ltu
    assert MIG_E_FWD_BIG
    push mig_buf
    over
    call forward
    push 0
    storei mig_busy
    jmp mig_proxy

; mig_daemon ( buf -- ): serves inbox 0 for ever, landing every message as a
; MIGRATE (mig_land). Runs as process 0; `buf` has MIG_BUF words.
mig_daemon:
    dup
    push MIG_MAX
    push 0
    push -1
    call recv_timeout
    drop
    dup
    call mig_land
    jmp mig_daemon

; mig_land ( msg -- ): lands the MIGRATE received whole at `msg`: spawns the
; process, which takes its state from `msg` before anything else runs, and
; yields to it. Faults MIG_E_BAD (not a whole MIGRATE), MIG_E_IMAGE (sent by
; another image), MIG_E_LOST (the process did not take its state).
mig_land:
    dup
    load
    push MIGRATE
    eq
    assert MIG_E_BAD
    dup
    addi 4 + MIG_IMAGE
    load
    push mig_resume
    eq
    assert MIG_E_IMAGE
    dup
    addi 4 + MIG_D
    load
    over
    addi 4 + MIG_R
    load
    pick 2
    addi 4 + MIG_N
    load                ; msg d r n
    pick 2
    pick 2
    or
    over
    or
    push 2 * MIG_MAX
    ltu
    assert MIG_E_BAD
    add
    add
    addi MIG_HDR
    over
    addi 3
    load                ; msg total len
    dup
    push MIG_MAX + 1
    ltu
    assert MIG_E_BAD
    eq
    assert MIG_E_BAD
    push mig_resume
    over
    spawn
    drop
    yield
    load
    eqz
    assert MIG_E_LOST
    ret

; mig_resume ( msg -- ): the landed process: copies the state block into
; place, rebuilds the return and data stacks, marks `msg` taken, opens its
; new inbox, answers MIG_LANDED to the sender and returns to the resume point
; with the new inbox on top of the data stack.
mig_resume:
    dup
    addi 4 + MIG_STATE
    load
    over
    addi 4 + MIG_HDR
    pick 2
    addi 4 + MIG_D
    load
    add
    pick 2
    addi 4 + MIG_R
    load
    add
    pick 2
    addi 4 + MIG_N
    load
    call memcpy         ; msg
    dup
    addi 4 + MIG_HDR
    over
    addi 4 + MIG_D
    load
    add
    over
    addi 4 + MIG_R
    load                ; msg p r
.frames:
    dup
    jz .framed
    over
    load
    tor
    swap
    addi 1
    swap
    addi -1
    jmp .frames
.framed:
    drop
    drop
    dup
    addi 4 + MIG_PC
    load
    tor
    dup
    tor                 ; msg           R: frames.. pc msg
    dup
    addi 4 + MIG_D
    load
    swap
    addi 4 + MIG_HDR
    swap                ; p d
.stack:
    dup
    jz .stacked
    over
    load
    rot
    rot
    swap
    addi 1
    swap
    addi -1
    jmp .stack
.stacked:
    drop
    drop
    fromr               ; xs.. msg      R: frames.. pc
    push 0
    over
    store
    addi 2
    load
    open                ; xs.. reply inbox'
    swap
    tor
    push 0
    push 0
    push MIG_LANDED
    fromr
    pick 4
    call my_addr
    send                ; xs.. inbox'
    ret

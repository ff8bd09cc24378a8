; router.s — a cellular machine on a grid (after the Router of shared/seeds/004):
; one node per site of a W x H mesh; every site holds at most one cell. Cells
; are processes that act once a turn and spawn into, or move into, other sites
; by messages to those sites' daemons, which accept or refuse them by the
; rules below. A wall cell seeded in the corner fences the grid's rim, spawns
; the first drop of fluid, the first endpoint and the input cells; fluid fills
; the inside; endpoints form a lattice of addressed sites; inputs generate
; randomly addressed message cells, which step through the fluid towards
; their endpoint, which consumes them. Every site logs a census of itself
; every CENSUS cycles. README.md explains the log.
.import "msg.s"

.const W = 9                    ; grid columns (the scenario's mesh)
.const H = 9                    ; grid rows
.const EX0 = 2                  ; site of the first endpoint, address (0, 0)
.const EY0 = 3
.const S = 2                    ; spacing of the endpoint lattice
.const AX = 4                   ; inputs draw address x in 0 .. AX-1 ...
.const AY = 3                   ; ... and address y in 0 .. AY-1
.const TURN = 400               ; cycles between a cell's turns, plus up to JITTER
.const JITTER = 63
.const WALL_TURNS = 3           ; turns a wall, fluid or endpoint cell acts, then rests
.const FLUID_TURNS = 3
.const EP_TURNS = 3
.const WARMUP = 12              ; turns an input waits before it generates
.const QUOTA = 8               ; messages each input generates
.const ODDS = 3                 ; an input generates on one turn in ODDS
.const TTL = 24                 ; turns a message cell lives before it is dropped
.const CENSUS = 6000            ; cycles between censuses

; cell types (a site's occupant)
.const EMPTY = 0
.const WALL = 1
.const FLUID = 2
.const INPUT = 3
.const ENDPOINT = 4
.const MESSAGE = 5

; a cell's state: the occupant record `occ` and the payload of SPAWN and MOVE
.const O_TYPE = 0
.const O_ID = 1                 ; message: its id, input node << 8 | sequence number
.const O_EX = 2                 ; message: the address it goes to; endpoint: its own
.const O_EY = 3
.const O_HOPS = 4               ; message: sites moved into; input: messages generated
.const O_BIRTH = 5              ; message: `now` when it was generated
.const O_LIVED = 6              ; message: turns lived
.const PAYLOAD = 7              ; the words above travel in SPAWN and MOVE
.const O_PENDING = 7            ; message: a MOVE is under way
.const O_REFUSED = 8            ; message: its last MOVE was refused
.const OCC_WORDS = 9

.msg SPAWN = 1                  ; a cell spawns into the site: [cell], no reply
.msg MOVE = 2                   ; a message cell moves in: [cell], reply MOVED or REFUSED
.msg MOVED = 3                  ; the site took the message: [id]
.msg REFUSED = 4                ; the site refused it: [id]

.const TAG_GEN = 1              ; input: (id, x, y) of a message generated for address (x, y)
.const TAG_DELIVER = 2          ; endpoint: (id, x, y, hops, latency ns) of a message consumed
.const TAG_DROP = 3             ; (id, reason, hops) of a message dropped
.const TAG_CENSUS = 4           ; every site: (round, occupant type, live cell processes)

.const NO_ROOM = 1              ; drop reasons: the site an input spawned into refused
.const NO_ENDPOINT = 2          ; the address names no endpoint site inside the fence
.const EXPIRED = 3              ; the message lived TTL turns

.const E_GRID = 1               ; assertion: the run is not W x H nodes
.const E_STATE = 2              ; assertion: a reply that fits no cell of the site
.const E_TYPE = 3               ; assertion: a message of an unknown type

.data
occ: .space OCC_WORDS           ; the site's occupant
gen: .word 0                    ; occupants installed so far; a cell process whose
                                ; generation is not the current one has been displaced
live: .word 0                   ; cell processes alive
rx: .space 4 + PAYLOAD          ; a received message
out: .space PAYLOAD             ; a payload to send
tx: .word 0                     ; step's scratch: the target site,
ty: .word 0
cx: .word 0                     ; this site (cx, cy) and the direction towards
cy: .word 0                     ; the target (dx, dy): try_axis indexes both
dx: .word 0                     ; pairs by axis, so each y follows its x
dy: .word 0
dir_x: .word 1, -1, 0, 0        ; the four neighbours
dir_y: .word 0, 0, 1, -1
turns: .word rest, wall_turn, fluid_turn, input_turn, endpoint_turn, message_turn

.code
; main: the site's daemon (process 0, inbox 0). Starts the census; node 0
; also seeds the router with a wall cell; then serves SPAWN, MOVE, MOVED and
; REFUSED for ever.
main:
    nodes
    push W * H
    eq
    assert E_GRID
    push census
    push 0
    spawn
    drop
    nodeid
    jnz .serve
    push WALL
    storei occ
    call install
.serve:
    push -1
    wait
    drop
    push rx
    push PAYLOAD
    push 0
    recv
    drop
    loadi rx
    dup
    push SPAWN
    eq
    jnz .spawn
    dup
    push MOVE
    eq
    jnz .move
    dup
    push MOVED
    eq
    jnz .moved
    push REFUSED
    eq
    assert E_TYPE
    call on_refused
    jmp .serve
.spawn:
    drop
    call on_spawn
    jmp .serve
.move:
    drop
    call on_move
    jmp .serve
.moved:
    drop
    call on_moved
    jmp .serve

; census ( arg -- ): every CENSUS cycles logs (round, occupant type, live cell processes).
census:
    drop
    push 0
.next:
    push CENSUS
    sleep
    addi 1
    dup
    loadi occ
    loadi live
    push TAG_CENSUS
    emit 3
    jmp .next

; on_spawn: an empty site takes any cell; a fluid site takes an input or an endpoint.
on_spawn:
    loadi rx + 4 + O_TYPE
    loadi occ
    dup
    push EMPTY
    eq
    jnz .take
    push FLUID
    eq
    swap
    dup
    push INPUT
    eq
    swap
    push ENDPOINT
    eq
    or
    and
    jnz .replace
    ret
.take:
    drop
    drop
.replace:
    call take_payload
    jmp install

; on_move: a fluid site takes the message cell (the fluid goes to the site it
; left); the endpoint of its address consumes it; any other site refuses it.
on_move:
    loadi rx + 4 + O_TYPE
    push MESSAGE
    eq
    assert E_TYPE
    loadi occ
    push FLUID
    eq
    jnz .take
    loadi occ
    push ENDPOINT
    eq
    loadi rx + 4 + O_EX
    loadi occ + O_EX
    eq
    and
    loadi rx + 4 + O_EY
    loadi occ + O_EY
    eq
    and
    jz .refuse
    loadi rx + 4 + O_ID
    loadi occ + O_EX
    loadi occ + O_EY
    loadi rx + 4 + O_HOPS
    addi 1
    now
    loadi rx + 4 + O_BIRTH
    sub
    push TAG_DELIVER
    emit 5
    push MOVED
    jmp reply
.take:
    call take_payload
    loadi occ + O_HOPS
    addi 1
    storei occ + O_HOPS
    call install
    push MOVED
    jmp reply
.refuse:
    push REFUSED
    jmp reply

; on_moved: the message cell that asked has moved on; fluid takes its place.
; (An input's new message needs nothing more.)
on_moved:
    loadi occ
    push INPUT
    eq
    jnz .done
    call is_asker
    assert E_STATE
    jmp become_fluid
.done:
    ret

; become_fluid: the site's cell goes; fluid takes its place, with no process.
become_fluid:
    push FLUID
    storei occ
    loadi gen
    addi 1
    storei gen
    ret

; on_refused: the message cell that asked stays and tries another way next
; turn; an input's new message is dropped (NO_ROOM).
on_refused:
    loadi occ
    push INPUT
    eq
    jnz .input
    call is_asker
    assert E_STATE
    push 0
    storei occ + O_PENDING
    push 1
    storei occ + O_REFUSED
    ret
.input:
    loadi rx + 4
    push NO_ROOM
    push 0
    push TAG_DROP
    emit 3
    ret

; is_asker ( -- flag ): the site holds the message cell the reply in rx is for.
is_asker:
    loadi occ
    push MESSAGE
    eq
    loadi occ + O_ID
    loadi rx + 4
    eq
    and
    ret

; reply ( type -- ): sends [the id of the cell in rx] to rx's reply-to address.
reply:
    tor
    loadi rx + 4 + O_ID
    storei out
    push out
    push 1
    fromr
    loadi rx + 2
    push -1
    send
    ret

; take_payload: the cell in rx becomes the site's occupant.
take_payload:
    push occ
    push rx + 4
    push PAYLOAD
    call memcpy
    push 0
    storei occ + O_PENDING
    push 0
    storei occ + O_REFUSED
    ret

; install: a new generation; a process for the occupant.
install:
    loadi gen
    addi 1
    dup
    storei gen
    loadi live
    addi 1
    storei live
    push cell
    swap
    spawn
    drop
    ret

; cell ( gen -- ): a cell's process: a turn every TURN (+ jitter) cycles while
; it is the site's occupant and its rules give it something to do.
cell:
    push 0
.turn:
    rand
    push JITTER
    and
    addi TURN
    sleep
    over
    loadi gen
    ne
    jnz .gone
    addi 1
    dup
    loadi occ
    addi turns
    load
    calli
    jnz .turn
.gone:
    drop
    drop
    loadi live
    addi -1
    storei live
    exit

; rest ( turns -- more ): no cell process runs on an empty site (a site never
; becomes empty again once it holds a cell): faults E_STATE.
rest:
    push 0
    assert E_STATE

; wall_turn ( turns -- more ): walls spawn along the rim; a wall of the bottom
; row at an even x (not a corner) spawns an input above it; the corner wall
; spawns the first fluid at (1, 1) and the first endpoint, address (0, 0), at
; (EX0, EY0).
wall_turn:
    tor
    push WALL
    call spawn_around
    call here
    dup
    eqz
    pick 2
    push 1
    and
    eqz
    and
    pick 2
    eqz
    eqz
    and
    pick 2
    push W - 1
    lt
    and
    jz .corner
    over
    push 1
    push INPUT
    push 0
    push 0
    call spawn_to
.corner:
    or
    jnz .done
    push 1
    push 1
    push FLUID
    push 0
    push 0
    call spawn_to
    push EX0
    push EY0
    push ENDPOINT
    push 0
    push 0
    call spawn_to
.done:
    fromr
    push WALL_TURNS
    lt
    ret

; fluid_turn ( turns -- more ): fluid spawns into the inside.
fluid_turn:
    tor
    push FLUID
    call spawn_around
    fromr
    push FLUID_TURNS
    lt
    ret

; endpoint_turn ( turns -- more ): an endpoint spawns the next endpoints of the
; lattice, S sites to the right (address x + 1) and S sites up (address y + 1).
endpoint_turn:
    tor
    call here
    over
    addi S
    over
    call inside
    jz .up
    over
    addi S
    over
    push ENDPOINT
    loadi occ + O_EX
    addi 1
    loadi occ + O_EY
    call spawn_to
.up:
    over
    over
    addi S
    call inside
    jz .done
    over
    over
    addi S
    push ENDPOINT
    loadi occ + O_EX
    loadi occ + O_EY
    addi 1
    call spawn_to
.done:
    drop
    drop
    fromr
    push EP_TURNS
    lt
    ret

; input_turn ( turns -- more ): after WARMUP turns, on one turn in ODDS, an
; input generates a message, until it has made QUOTA of them.
input_turn:
    push WARMUP
    lt
    jnz .more
    loadi occ + O_HOPS
    push QUOTA
    lt
    jz .done
    rand
    push ODDS
    modu
    jnz .more
    call generate
.more:
    push 1
    ret
.done:
    push 0
    ret

; generate: a message for a random address, logged, spawned (MOVE) into the
; site above, left or right of the input, picked at random.
generate:
    loadi occ + O_HOPS
    dup
    addi 1
    storei occ + O_HOPS
    nodeid
    push 8
    shl
    or
    dup
    storei out + O_ID
    rand
    push AX
    modu
    dup
    storei out + O_EX
    rand
    push AY
    modu
    dup
    storei out + O_EY
    push TAG_GEN
    emit 3
    push MESSAGE
    storei out + O_TYPE
    push 0
    storei out + O_HOPS
    now
    storei out + O_BIRTH
    push 0
    storei out + O_LIVED
    rand
    push 3
    modu                ; right, left or up: a row of dir_x, dir_y
    call neighbour
    jmp send_move

; message_turn ( turns -- more ): unless a move is under way, a message cell
; steps towards its endpoint's site; it is dropped when its address names no
; endpoint site or after TTL turns.
message_turn:
    drop
    loadi occ + O_LIVED
    addi 1
    dup
    storei occ + O_LIVED
    push TTL
    gt
    jnz .expired
    loadi occ + O_PENDING
    jnz .more
    loadi occ + O_EX
    push S
    mul
    addi EX0
    loadi occ + O_EY
    push S
    mul
    addi EY0
    over
    over
    call inside
    jz .nowhere
    call step
    push out
    push occ
    push PAYLOAD
    call memcpy
    call send_move
    push 1
    storei occ + O_PENDING
.more:
    push 1
    ret
.nowhere:
    drop
    drop
    push NO_ENDPOINT
    jmp .drop
.expired:
    push EXPIRED
.drop:
    loadi occ + O_ID
    swap
    loadi occ + O_HOPS
    push TAG_DROP
    emit 3
    call become_fluid
    push 0
    ret

; step ( tx ty -- x y ): the next site towards (tx, ty): one step along x or
; along y, whichever brings it closer (the first tried picked at random) and
; is not blocked; after a refusal, or when both are blocked, a step in a
; random direction that is not blocked (or, after 8 blocked draws, a move
; into its own site, which refuses it).
step:
    storei ty
    storei tx
    call here
    storei cy
    storei cx
    loadi occ + O_REFUSED
    jnz .random
    loadi tx
    loadi cx
    sub
    call sign
    storei dx
    loadi ty
    loadi cy
    sub
    call sign
    storei dy
    rand
    push 1
    and
    dup
    call try_axis
    jnz .first
    drop
    drop
    push 1
    xor
    call try_axis
    jnz .ok
    drop
    drop
.random:
    push 0
    storei occ + O_REFUSED
    push 8
.again:
    rand
    push 3
    and
    call neighbour
    over
    over
    call blocked
    jz .found
    drop
    drop
    addi -1
    dup
    jnz .again
    drop
    loadi cx
    loadi cy
    ret
.found:
    rot
    drop
    ret
.first:
    rot
    drop
.ok:
    ret

; neighbour ( d -- x y ): the site next to this one in direction d (a row of
; dir_x and dir_y).
neighbour:
    call here
    storei cy
    storei cx
    dup
    addi dir_x
    load
    loadi cx
    add
    swap
    addi dir_y
    load
    loadi cy
    add
    ret

; try_axis ( a -- x y ok ): the site one step along axis a (0: x, 1: y)
; towards the target (dx, dy); ok is 0 when that step is 0 or blocked.
try_axis:
    dup
    addi dx
    load
    dup
    jz .none
    over
    addi cx
    load
    add
    swap
    jz .x
    loadi cx
    swap
    jmp .check
.x:
    loadi cy
.check:
    over
    over
    call blocked
    eqz
    ret
.none:
    drop
    drop
    push 0
    push 0
    push 0
    ret

; blocked ( x y -- flag ): a message cannot step onto (x, y): it is outside
; the fence, an input's site or an endpoint's site other than (tx, ty).
blocked:
    over
    over
    call inside
    jz .yes
    over
    over
    call is_input
    jnz .yes
    over
    over
    call is_endpoint
    tor
    loadi ty
    eq
    swap
    loadi tx
    eq
    and
    eqz
    fromr
    and
    ret
.yes:
    drop
    drop
    push 1
    ret

; is_input ( x y -- flag ): a site of the input row (y = 1, x even).
is_input:
    push 1
    eq
    swap
    push 1
    and
    eqz
    and
    ret

; is_endpoint ( x y -- flag ): a site of the endpoint lattice (from (EX0, EY0),
; every S sites; inside the fence, which the caller checks).
is_endpoint:
    addi -EY0
    dup
    push S
    modu
    eqz
    swap
    push H
    ltu
    and
    swap
    addi -EX0
    dup
    push S
    modu
    eqz
    swap
    push W
    ltu
    and
    and
    ret

; sign ( v -- -1 | 0 | 1 )
sign:
    dup
    push 0
    gt
    swap
    push 0
    lt
    sub
    ret

; spawn_around ( type -- ): spawns a cell of `type` into each of the four
; neighbours where it belongs (spawn_near).
spawn_around:
    tor
    call here
    over
    addi 1
    over
    rfetch
    call spawn_near
    over
    addi -1
    over
    rfetch
    call spawn_near
    over
    over
    addi 1
    rfetch
    call spawn_near
    over
    over
    addi -1
    rfetch
    call spawn_near
    drop
    drop
    rdrop
    ret

; spawn_near ( x y type -- ): a wall spawns onto the rim, any other cell inside it.
spawn_near:
    tor
    over
    over
    call in_grid
    jz .no
    over
    over
    rfetch
    push WALL
    eq
    jnz .rim
    call inside
    jmp .test
.rim:
    call on_rim
.test:
    jz .no
    fromr
    push 0
    push 0
    jmp spawn_to
.no:
    drop
    drop
    rdrop
    ret

; spawn_to ( x y type ex ey -- ): sends SPAWN [type, 0, ex, ey, 0, 0, 0] to site (x, y).
spawn_to:
    storei out + O_EY
    storei out + O_EX
    storei out + O_TYPE
    push 0
    storei out + O_ID
    push 0
    storei out + O_HOPS
    push 0
    storei out + O_BIRTH
    push 0
    storei out + O_LIVED
    call site_addr
    tor
    push out
    push PAYLOAD
    push SPAWN
    fromr
    push -1
    send
    ret

; send_move ( x y -- ): sends MOVE [out] to site (x, y), reply-to this site.
send_move:
    call site_addr
    tor
    push out
    push PAYLOAD
    push MOVE
    fromr
    push 0
    call my_addr
    send
    ret

; here ( -- x y ): this site.
here:
    nodeid
    push W
    modu
    nodeid
    push W
    divu
    ret

; site_addr ( x y -- addr ): inbox 0 of site (x, y).
site_addr:
    push W
    mul
    add
    push ADDR_SHIFT
    shl
    ret

; in_grid ( x y -- flag )
in_grid:
    push H
    ltu
    swap
    push W
    ltu
    and
    ret

; inside ( x y -- flag ): inside the fence.
inside:
    addi -1
    push H - 2
    ltu
    swap
    addi -1
    push W - 2
    ltu
    and
    ret

; on_rim ( x y -- flag ): on the fence.
on_rim:
    dup
    eqz
    swap
    push H - 1
    eq
    or
    swap
    dup
    eqz
    swap
    push W - 1
    eq
    or
    or
    ret

; monitor.s — monitors and links with exit notifications (Erlangen's
; monitor/attach): a process learns how another ended, and its result.
; Part of the aether firmware standard library (docs/firmware.md).
;
; A watch record says: when process `watched` ends through the library, send
; EXIT [pid, status, result] to address `notify`. spawn_monitored starts a
; process running a routine ( arg -- result ) watched by its spawner (a
; monitor); spawn_linked starts one running ( arg inbox -- result ) and the
; two watch each other (a link): the new process gets a fresh inbox, owned by
; it, where the spawner's EXIT arrives. A process ends through the library
; when its routine returns, or with proc_exit / proc_fail. When it ends, every
; record watching it sends its EXIT and is freed, and every record it watched
; is dropped (nobody is left to tell). No instruction kills another process:
; a linked process that is told of its partner's end decides what to do. A
; process that the node's own fault stops sends nothing (the node is gone):
; monitor remote work with RPC timeouts (see the pmap example).
.import "msg.s"

.msg EXIT = 0x7FFF04            ; payload [pid, status (0 = returned), result]
.const MON_SLOTS = 16           ; watch records (a monitored process takes 1, a linked one 2)
.const MON_WORDS = 5            ; watched pid + 1 (0: free), watcher pid + 1, notify address
                                ; (-1: nobody), routine (0 once started), argument
.const LIB_E_MONITORS = 0xA04   ; assertion code: no free watch record

.data
mon_table: .space MON_SLOTS * MON_WORDS
mon_out: .space 3       ; the EXIT payload being sent

.code
; mon_find ( key -- rec ): the first record whose word 0 is `key` (0: a free one).
mon_find:
    push mon_table
.loop:
    dup
    push mon_table + MON_SLOTS * MON_WORDS
    lt
    assert LIB_E_MONITORS
    dup
    load
    pick 2
    eq
    jnz .found
    addi MON_WORDS
    jmp .loop
.found:
    nip
    ret

; mon_watch ( watched watcher notify -- rec ): a new record (routine 0).
mon_watch:
    push 0
    call mon_find       ; watched watcher notify rec
    push 0
    over
    addi 3
    store
    tuck
    addi 2
    store
    tuck
    addi 1
    store
    tuck
    store               ; rec
    ret

; spawn_monitored ( routine arg monitor -- pid ): spawns a process that runs
; `routine` ( arg -- result ) and reports its end to the address `monitor`;
; faults LIB_E_MONITORS when no watch record is free.
spawn_monitored:
    push mon_run
    jmp mon_spawn

; spawn_linked ( routine arg notify -- pid ): spawns a process linked to the
; running one: it runs `routine` ( arg inbox -- result ), `inbox` its own fresh
; inbox; its end is reported to `notify`, and the running process's end (if
; it ends through the library) to `inbox`. Yields once, so that the new
; process sets up its side of the link before the spawner runs on.
spawn_linked:
    push link_run
    call mon_spawn
    yield
    ret

; mon_spawn ( routine arg notify entry -- pid ): the record, then the process
; at `entry` with the record as its argument.
mon_spawn:
    tor
    push 0
    swap                ; routine arg 0 notify
    self
    addi 1
    swap
    call mon_watch      ; routine arg rec
    tuck
    addi 4
    store
    tuck
    addi 3
    store               ; rec
    fromr
    over
    spawn               ; rec pid
    dup
    addi 1
    rot
    store
    ret

; mon_begin ( rec -- arg routine ): a new process's routine and argument; the
; record is marked started.
mon_begin:
    dup
    addi 4
    load
    swap
    addi 3
    dup
    load
    push 0
    rot
    store               ; arg routine
    ret

; mon_run ( rec -- ): the body of a monitored process.
mon_run:
    call mon_begin
    calli               ; result
    jmp proc_exit

; link_run ( rec -- ): the body of a linked process: opens its inbox and
; watches its spawner there, then runs the routine.
link_run:
    dup
    addi 1
    load                ; rec spawner+1
    self
    addi 1
    open
    dup
    tor
    call my_addr
    call mon_watch
    drop                ; rec
    call mon_begin
    fromr
    swap                ; arg inbox routine
    calli
    jmp proc_exit

; proc_exit ( result -- ): ends the running process; everyone watching it
; gets EXIT [pid, 0, result].
proc_exit:
    push 0
    swap
    jmp mon_exit

; proc_fail ( code -- ): ends the running process with a failure status
; `code` (non-zero); everyone watching it gets EXIT [pid, code, 0].
proc_fail:
    push 0
    jmp mon_exit

; mon_exit ( status result -- ): sends EXIT [pid, status, result] for every
; record watching the running process and frees them; drops the records it
; watched (frees started ones, silences those not started yet); exits.
mon_exit:
    storei mon_out+2
    storei mon_out+1
    self
    dup
    storei mon_out
    addi 1
    push mon_table      ; me+1 rec
.loop:
    dup
    push mon_table + MON_SLOTS * MON_WORDS
    lt
    jz .done
    dup
    load
    pick 2
    eq
    jnz .tell
    dup
    addi 1
    load
    pick 2
    eq
    jnz .unwatch
.next:
    addi MON_WORDS
    jmp .loop
.tell:
    dup
    addi 2
    load                ; me+1 rec notify
    dup
    push -1
    eq
    jnz .silent
    tor
    push mon_out
    push 3
    push EXIT
    fromr
    push -1
    send
    jmp .free
.silent:
    drop
.free:
    push 0
    over
    store
    push 0
    over
    addi 1
    store
    jmp .next
.unwatch:
    dup
    addi 3
    load
    jz .free
    push -1
    over
    addi 2
    store
    jmp .next
.done:
    exit

; monitor.s — monitored processes with exit notifications (Erlangen's
; monitor/attach): the monitor learns how a process ended and its result.
; Part of the aether firmware standard library (docs/firmware.md).
;
; spawn_monitored starts a process running a routine ( arg -- result ); when
; the routine returns, an EXIT [pid, 0, result] goes to the monitor's address;
; when it gives up with proc_fail, an EXIT [pid, code, 0] does. A process
; that the node's own fault stops sends nothing (the node is gone): monitor
; remote work with RPC timeouts (see the pmap example).
.import "msg.s"

.msg EXIT = 0x7FFF04            ; payload [pid, status (0 = returned), result]
.const MON_SLOTS = 16           ; monitored processes alive at once
.const MON_WORDS = 4            ; pid + 1 (0: free), routine, argument, monitor address
.const LIB_E_MONITORS = 0xA04   ; assertion code: no free monitor record

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

; spawn_monitored ( routine arg monitor -- pid ): spawns a process that runs
; `routine` ( arg -- result ) and then reports to the address `monitor`;
; faults LIB_E_MONITORS when MON_SLOTS monitored processes are alive.
spawn_monitored:
    push 0
    call mon_find       ; routine arg monitor rec
    swap
    over
    addi 3
    store
    swap
    over
    addi 2
    store
    swap
    over
    addi 1
    store               ; rec
    push mon_run
    push 0
    spawn               ; rec pid
    dup
    addi 1
    rot
    store
    ret

; mon_run ( 0 -- ): the body of a monitored process.
mon_run:
    drop
    self
    addi 1
    call mon_find
    dup
    addi 2
    load
    swap
    addi 1
    load
    calli               ; result
    push 0
    swap
    jmp mon_exit

; proc_fail ( code -- ): ends the running monitored process with a failure
; status `code` (non-zero); the monitor gets EXIT [pid, code, 0].
proc_fail:
    push 0
    jmp mon_exit

; mon_exit ( status result -- ): sends EXIT [pid, status, result] to the
; running process's monitor, frees its record and exits.
mon_exit:
    storei mon_out+2
    storei mon_out+1
    self
    dup
    storei mon_out
    addi 1
    call mon_find
    push 0
    over
    store
    addi 3
    load                ; monitor
    tor
    push mon_out
    push 3
    push EXIT
    fromr
    push -1
    send
    exit

; Writers and a reader under the broadcast lock (the aether paper's Figure 9),
; on the firmware library.
;   reader (node 0): serves LOCK and WRITE; logs (TAG_WRITE, writer, value)
;          for every WRITE it takes.
;   hub (node 1): a lockable node whose own target is the reader: locking
;          the hub locks the reader recursively.
;   writer / writer_hub (the other nodes): lock the reader (directly, or
;          through the hub), send PAYLOADS WRITE messages [nodeid * 100 + k]
;          to the reader, release, log (TAG_DONE, failed attempts) and halt;
;          a refused attempt backs off a random time and retries.
.import "dispatch.s"
.import "lock.s"

.msg WRITE = 1          ; payload [value]
.const READER = 0
.const HUB = 1
.const PAYLOADS = 6
.const TAG_WRITE = 1
.const TAG_DONE = 2
.const SLOT = 6
.const SLOTS = 64

.data
table:
    .word 2
    .word LOCK, 0, lock_on_lock
    .word WRITE, 0, on_write
stash: .space STASH_HDR + SLOT * SLOTS
reader_list: .word READER << 16
hub_list: .word HUB << 16
target: .word 0         ; the list a writer locks
held: .space 1
failed: .word 0
value: .space 1

.code
.entry reader
.entry hub
.entry writer
.entry writer_hub

hub:
    push reader_list
    push 1
    call lock_init
reader:
    push table
    push stash
    push SLOT
    push SLOTS
    call dispatch_run

; on_write ( msg -- ): logs the writer and the value.
on_write:
    dup
    addi 1
    load
    swap
    addi 4
    load
    push TAG_WRITE
    emit 2
    ret

writer_hub:
    push hub_list
    storei target
    jmp write
writer:
    push reader_list
    storei target
write:
    loadi target
    push 1
    push held
    call lock_acquire
    jnz .locked
    loadi failed
    addi 1
    storei failed
    rand
    push 511
    and
    addi 64
    sleep
    jmp write
.locked:
    push 0              ; k
.send:
    dup
    push PAYLOADS
    lt
    jz .sent
    nodeid
    push 100
    mul
    over
    add
    storei value
    push value
    push 1
    push WRITE
    push READER << 16
    push -1
    send
    addi 1
    jmp .send
.sent:
    drop
    push held
    push 1
    call lock_release
    loadi failed
    push TAG_DONE
    emit 1
    halt

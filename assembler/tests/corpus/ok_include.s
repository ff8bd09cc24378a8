; Includes are textual and found through -L; imports are linked once.
.include "defs.s"
.import "lib_fn.s"
.import "lib_fn.s"
main:
    push TEN         ; expect: 0x1000000a
    inc1             ; expect: 0x2f000001
    call double      ; expect: 0x53000004
    halt             ; expect: 0x75000000
; The imported file is linked after this one:
; expect: 0x02000000 0x20000000 0x54000000

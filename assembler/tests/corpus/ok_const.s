; Constants may refer forward, to labels and to `$` where they are defined.
.const B = A * 2
.const A = 21
.const SIZE = end - start
start:
    push B           ; expect: 0x1000002a
    push SIZE        ; expect: 0x10000003
.const HERE = $
    push HERE        ; expect: 0x10000002
end:
    halt             ; expect: 0x75000000

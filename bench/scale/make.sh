#!/bin/sh
# Writes the generated inputs of the bench/scale scenarios (checked in; run again after
# changing ../scenarios/mesh_exchange.s):
#   mesh_256.s          ../scenarios/mesh_exchange.s with WIDTH = 256
#   mesh_512_wide.s     ../scenarios/mesh_exchange.s with WIDTH = 512, wide addressing
#                       (`.addressing wide`, the address shift `push ADDR_SHIFT`)
#   lattice_256.graph   the 256x256 lattice: vertex y * 256 + x joined to its +x and +y
#                       neighbours (130,560 edges)
set -eu
here=$(dirname "$0")
{
    echo "; Written by make.sh: ../scenarios/mesh_exchange.s with WIDTH = 256."
    sed 's/^\.const WIDTH = 32$/.const WIDTH = 256/' "$here/../scenarios/mesh_exchange.s"
} >"$here/mesh_256.s"
grep -q '^\.const WIDTH = 256$' "$here/mesh_256.s"
{
    echo "; Written by make.sh: ../scenarios/mesh_exchange.s with WIDTH = 512, wide addressing."
    echo ".addressing wide"
    sed -e 's/^\.const WIDTH = 32$/.const WIDTH = 512/' -e 's/^    push 16$/    push ADDR_SHIFT/' \
        "$here/../scenarios/mesh_exchange.s"
} >"$here/mesh_512_wide.s"
grep -q '^\.const WIDTH = 512$' "$here/mesh_512_wide.s"
grep -q '^    push ADDR_SHIFT$' "$here/mesh_512_wide.s"
awk 'BEGIN {
    w = 256
    print "# Written by make.sh: the 256x256 lattice, vertex y * 256 + x."
    for (y = 0; y < w; y++) for (x = 0; x < w; x++) {
        v = y * w + x
        if (x + 1 < w) print v, v + 1
        if (y + 1 < w) print v, v + w
    }
}' >"$here/lattice_256.graph"

#include "textflag.h"

// SPLAT sets every byte of y to the constant c, through DX and x.
//
// Every instruction on an X or Y register here is VEX-encoded (VMOVQ,
// not MOVQ): on a 2-core AMD EPYC (family 25) virtual machine, one
// legacy-SSE MOVQ before the VPBROADCASTB made each call cost about
// 276 ns instead of 9.5 (BenchmarkScans/JSONSpecials/64), a VZEROUPPER on
// entry notwithstanding. TestAssemblyIsVEX keeps it so.
#define SPLAT(c, x, y) \
	MOVL         c, DX \
	VMOVQ        DX, x \
	VPBROADCASTB x, y

// SPECIALS sets in out the high bit of each byte of in that is '"', '\\',
// below 0x20 or above 0x7f; Y1, Y2 and Y3 hold '"', '\\' and 0x1f in
// every byte, and t is scratch.
#define SPECIALS(in, out, t) \
	VPCMPEQB in, Y1, out \
	VPCMPEQB in, Y2, t   \
	VPOR     out, t, out \
	VPMINUB  in, Y3, t   \
	VPCMPEQB in, t, t    \
	VPOR     out, t, out \
	VPOR     out, in, out

// func jsonSpecials(data []byte) (at int, mask uint64)
TEXT ·jsonSpecials(SB), NOSPLIT, $0-40
	CMPB ·Fast(SB), $0
	JEQ  plain
	MOVQ data_base+0(FP), SI
	MOVQ data_len+8(FP), CX
	XORQ AX, AX
	XORQ BX, BX
	ANDQ $~63, CX
	JZ   done
	SPLAT($0x22, X1, Y1)
	SPLAT($0x5C, X2, Y2)
	SPLAT($0x1F, X3, Y3)

loop:
	VMOVDQU (SI)(AX*1), Y0
	VMOVDQU 32(SI)(AX*1), Y5
	SPECIALS(Y0, Y4, Y6)
	SPECIALS(Y5, Y7, Y6)
	VPOR      Y4, Y7, Y6
	VPMOVMSKB Y6, DX
	TESTL     DX, DX
	JNZ       found
	ADDQ      $64, AX
	CMPQ      AX, CX
	JB        loop
	VZEROUPPER

done:
	MOVQ AX, at+24(FP)
	MOVQ BX, mask+32(FP)
	RET

found:
	VPMOVMSKB Y4, BX
	VPMOVMSKB Y7, DX
	SHLQ      $32, DX
	ORQ       DX, BX
	VZEROUPPER
	MOVQ      AX, at+24(FP)
	MOVQ      BX, mask+32(FP)
	RET

plain:
	JMP ·jsonSpecialsPlain(SB)

// func irregular(text []byte) int
TEXT ·irregular(SB), NOSPLIT, $0-32
	CMPB ·Fast(SB), $0
	JEQ  iplain
	MOVQ text_base+0(FP), SI
	MOVQ text_len+8(FP), CX
	XORQ AX, AX
	DECQ CX // the last byte has no next byte to pair with
	JLE  none
	ANDQ $~31, CX
	JZ   none
	SPLAT($0x20, X1, Y1)
	SPLAT($0x1F, X3, Y3)

iloop:
	VMOVDQU   (SI)(AX*1), Y0
	VMOVDQU   1(SI)(AX*1), Y5
	VPCMPEQB  Y0, Y1, Y4
	VPCMPEQB  Y5, Y1, Y6
	VPAND     Y4, Y6, Y4 // a space followed by a space
	VPMINUB   Y0, Y3, Y6
	VPCMPEQB  Y0, Y6, Y6 // a control character
	VPOR      Y4, Y6, Y4
	VPMOVMSKB Y4, DX
	TESTL     DX, DX
	JNZ       ifound
	ADDQ      $32, AX
	CMPQ      AX, CX
	JB        iloop
	VZEROUPPER

none:
	MOVQ AX, ret+24(FP)
	RET

ifound:
	VZEROUPPER
	BSFL DX, DX
	ADDQ DX, AX
	MOVQ AX, ret+24(FP)
	RET

iplain:
	JMP ·irregularPlain(SB)

// CLASS sets in out, for each of the 32 bytes at addr, the alternatives
// whose set holds its nibbles: lo and hi are the position's tables in both
// lanes, Y15 holds 0x0f in every byte, Y10 and Y11 are scratch.
#define CLASS(addr, lo, hi, out) \
	VMOVDQU addr, Y10       \
	VPAND   Y15, Y10, Y11   \
	VPSRLW  $4, Y10, Y10    \
	VPAND   Y15, Y10, Y10   \
	VPSHUFB Y11, lo, Y11    \
	VPSHUFB Y10, hi, Y10    \
	VPAND   Y10, Y11, out

// MARKS sets the low 32 bits of r (the rest cleared) to the marks of the
// 32 positions at SI+o0: the classes of the bytes at o0 to o3 anded, and
// a position marked where some alternative is left. Y8 and Y9 are
// scratch.
#define MARKS(o0, o1, o2, o3, r) \
	CLASS(o0(SI), Y0, Y1, Y8) \
	CLASS(o1(SI), Y2, Y3, Y9) \
	VPAND     Y9, Y8, Y8      \
	CLASS(o2(SI), Y4, Y5, Y9) \
	VPAND     Y9, Y8, Y8      \
	CLASS(o3(SI), Y6, Y7, Y9) \
	VPAND     Y9, Y8, Y8      \
	VPCMPEQB  Y14, Y8, Y8     \
	VPMOVMSKB Y8, r           \
	NOTL      r

// func patternAVX2(tables *[4][2][16]byte, text []byte, masks []uint64)
//
// Fills every mask of masks; the caller makes sure that text holds the
// four bytes of every position they cover.
TEXT ·patternAVX2(SB), NOSPLIT, $0-56
	MOVQ tables+0(FP), DI
	MOVQ text_base+8(FP), SI
	MOVQ masks_base+32(FP), R8
	MOVQ masks_len+40(FP), CX
	TESTQ CX, CX
	JZ   pdone
	VBROADCASTI128 0(DI), Y0
	VBROADCASTI128 16(DI), Y1
	VBROADCASTI128 32(DI), Y2
	VBROADCASTI128 48(DI), Y3
	VBROADCASTI128 64(DI), Y4
	VBROADCASTI128 80(DI), Y5
	VBROADCASTI128 96(DI), Y6
	VBROADCASTI128 112(DI), Y7
	SPLAT($0x0F, X15, Y15)
	VPXOR Y14, Y14, Y14

ploop:
	MARKS(0, 1, 2, 3, AX)
	MARKS(32, 33, 34, 35, DX)
	SHLQ $32, DX
	ORQ  DX, AX
	MOVQ AX, (R8)
	ADDQ $64, SI
	ADDQ $8, R8
	DECQ CX
	JNZ  ploop
	VZEROUPPER

pdone:
	RET

#include "textflag.h"

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

// func jsonSpecialsAVX2(data []byte) (at int, mask uint64)
TEXT ·jsonSpecialsAVX2(SB), NOSPLIT, $0-40
	MOVQ data_base+0(FP), SI
	MOVQ data_len+8(FP), CX
	XORQ AX, AX
	XORQ BX, BX
	ANDQ $~63, CX
	JZ   done
	MOVL $0x22, DX
	MOVQ DX, X1
	VPBROADCASTB X1, Y1
	MOVL $0x5C, DX
	MOVQ DX, X2
	VPBROADCASTB X2, Y2
	MOVL $0x1F, DX
	MOVQ DX, X3
	VPBROADCASTB X3, Y3

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

// func irregularAVX2(text []byte) int
TEXT ·irregularAVX2(SB), NOSPLIT, $0-32
	MOVQ text_base+0(FP), SI
	MOVQ text_len+8(FP), CX
	XORQ AX, AX
	DECQ CX // the last byte has no next byte to pair with
	JLE  none
	ANDQ $~31, CX
	JZ   none
	MOVL $0x20, DX
	MOVQ DX, X1
	VPBROADCASTB X1, Y1
	MOVL $0x1F, DX
	MOVQ DX, X3
	VPBROADCASTB X3, Y3

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

/* A dense switch that gcc turns into a jump table (absolute entries with
 * -fno-pic, table-relative ones with -fPIC); run.sh builds it both ways as
 * sw_nopic and sw_pic. */
#ifndef NAME
#define NAME sw
#endif

int NAME(int x)
{
	switch (x) {
	case 0: return 13 + x;
	case 1: return 869;
	case 2: return 716;
	case 3: return 563 + x;
	case 4: return 410;
	case 5: return 257;
	case 6: return 104 + x;
	case 7: return 960;
	case 8: return 807;
	case 9: return 654 + x;
	case 10: return 501;
	case 11: return 348;
	case 12: return 195 + x;
	case 13: return 42;
	case 14: return 898;
	case 15: return 745 + x;
	case 16: return 592;
	case 17: return 439;
	case 18: return 286 + x;
	case 19: return 133;
	case 20: return 989;
	case 21: return 836 + x;
	case 22: return 683;
	case 23: return 530;
	case 24: return 377 + x;
	case 25: return 224;
	case 26: return 71;
	case 27: return 927 + x;
	case 28: return 774;
	case 29: return 621;
	case 30: return 468 + x;
	case 31: return 315;
	case 32: return 162;
	case 33: return 9 + x;
	case 34: return 865;
	case 35: return 712;
	case 36: return 559 + x;
	case 37: return 406;
	case 38: return 253;
	case 39: return 100 + x;
	case 40: return 956;
	case 41: return 803;
	case 42: return 650 + x;
	case 43: return 497;
	case 44: return 344;
	case 45: return 191 + x;
	case 46: return 38;
	case 47: return 894;
	case 48: return 741 + x;
	case 49: return 588;
	case 50: return 435;
	case 51: return 282 + x;
	case 52: return 129;
	case 53: return 985;
	case 54: return 832 + x;
	case 55: return 679;
	case 56: return 526;
	case 57: return 373 + x;
	case 58: return 220;
	case 59: return 67;
	case 60: return 923 + x;
	case 61: return 770;
	case 62: return 617;
	case 63: return 464 + x;
	case 64: return 311;
	case 65: return 158;
	case 66: return 5 + x;
	case 67: return 861;
	case 68: return 708;
	case 69: return 555 + x;
	case 70: return 402;
	case 71: return 249;
	case 72: return 96 + x;
	case 73: return 952;
	case 74: return 799;
	case 75: return 646 + x;
	case 76: return 493;
	case 77: return 340;
	case 78: return 187 + x;
	case 79: return 34;
	case 80: return 890;
	case 81: return 737 + x;
	case 82: return 584;
	case 83: return 431;
	case 84: return 278 + x;
	case 85: return 125;
	case 86: return 981;
	case 87: return 828 + x;
	case 88: return 675;
	case 89: return 522;
	case 90: return 369 + x;
	case 91: return 216;
	case 92: return 63;
	case 93: return 919 + x;
	case 94: return 766;
	case 95: return 613;
	case 96: return 460 + x;
	case 97: return 307;
	case 98: return 154;
	case 99: return 1 + x;
	default: return -1;
	}
}

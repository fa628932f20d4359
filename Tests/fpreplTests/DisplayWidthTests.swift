import Testing
@testable import fprepl

/// Tables align Chinese text by the cells a terminal gives it (UAX #11), whichever path
/// a character takes: the fast ones (ASCII, CJK ideographs, CJK punctuation, fullwidth
/// forms) or the look-up of its properties.
@Suite struct DisplayWidthTests {
    @Test func cellsOfEachKindOfCharacter() {
        #expect(displayWidth("household-5301241012010001") == 26)
        #expect(displayWidth("因病") == 4)
        #expect(displayWidth("（2016-12-05 至 2016-12-11，7天）") == 2 + 10 + 1 + 2 + 1 + 10 + 2 + 1 + 2 + 2)
        #expect(displayWidth("、。「」　") == 10, "CJK punctuation and the ideographic space")
        #expect(displayWidth("\u{302A}") == 0, "a combining ideographic tone mark takes no cell")
        #expect(displayWidth("e\u{301}") == 1, "a combining accent takes no cell")
        #expect(displayWidth("\u{200B}\t") == 0, "zero-width space and a control")
        #expect(displayWidth("한국") == 4)
        #expect(displayWidth("𠀀") == 2, "an ideograph beyond the BMP")
        #expect(displayWidth("") == 0)
    }
}

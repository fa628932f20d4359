import Testing
@testable import Projections

@Suite struct VillageCodeTests {
    @Test func splitsIntoCountyAndTown() throws {
        let v = try #require(VillageCode("530124101201"))
        #expect(v.county == "530124")
        #expect(v.town == "530124101")
        #expect(v.province == "53")
    }

    @Test(arguments: ["53012410120", "5301241012011", "53012410120a", "", "５３０１２４１０１２０１"])
    func rejectsAnythingButTwelveDigits(_ text: String) {
        #expect(VillageCode(text) == nil)
    }
}

@Suite struct IDNumberTests {
    // 11010519491231002X is the standard's own worked example (check character X).
    @Test func acceptsValidNumbersWithTheirCheckCharacter() throws {
        #expect(try IDNumber(validating: "11010519491231002X").value == "11010519491231002X")
        #expect(try IDNumber(validating: "11010519491231002x").value == "11010519491231002X")
        #expect(IDNumber.checkCharacter(for: "11010519491231002") == "X")
        #expect(try IDNumber(validating: "11010519491231002X").birthDate == "1949-12-31")
    }

    @Test func namesWhatIsWrong() {
        #expect(throws: IDNumber.Problem.badCheckCharacter(expected: "X", found: "1")) {
            try IDNumber(validating: "110105194912310021")
        }
        #expect(throws: IDNumber.Problem.wrongLength(17)) { try IDNumber(validating: "11010519491231002") }
        #expect(throws: IDNumber.Problem.badCharacter(at: 3)) { try IDNumber(validating: "11a10519491231002X") }
        #expect(throws: IDNumber.Problem.badBirthDate("19490230")) { try IDNumber(validating: "110105194902300021") }
        #expect(throws: IDNumber.Problem.masked) { try IDNumber(validating: "530124********1234") }
    }

    @Test func masksAllButFirstSixAndLastFour() throws {
        #expect(try IDNumber(validating: "11010519491231002X").masked == "110105********002X")
        #expect("\(try IDNumber(validating: "11010519491231002X"))" == "110105********002X")
        #expect(IDNumber.mask("12345") == "*****")
    }

    @Test func masksNamesKeepingTheFamilyName() {
        #expect(maskedName("张三") == "张*")
        #expect(maskedName("欧阳娜娜") == "欧***")
        #expect(maskedName("") == "")
    }
}

@Suite struct FenTests {
    @Test func formatsYuanWithTwoDecimalsAndGrouping() {
        #expect(Fen(295_200).yuan == "2,952.00")
        #expect(Fen(281_000).yuan == "2,810.00")
        #expect(Fen(5).yuan == "0.05")
        #expect(Fen(-5).yuan == "-0.05")
        #expect(Fen(123_456_789_01).yuan == "123,456,789.01")
    }

    @Test func parsesYuanExactly() {
        #expect(Fen(yuan: "2952") == Fen(295_200))
        #expect(Fen(yuan: "2952.5") == Fen(295_250))
        #expect(Fen(yuan: "2,952.05") == Fen(295_205))
        #expect(Fen(yuan: "-1.10") == Fen(-110))
        #expect(Fen(yuan: "1.005") == nil)
        #expect(Fen(yuan: "abc") == nil)
        #expect(Fen(yuan: ".5") == nil)
    }
}

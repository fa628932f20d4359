import Foundation
import EventStore
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
        #expect(IDNumber.problem(in: "110105194912310021") == .badCheckCharacter(expected: "X", found: "1"))
        #expect(throws: ProjectionError(.invalid, "the id number's check character is 1, expected X")) {
            try IDNumber(validating: "110105194912310021")
        }
        #expect(IDNumber.problem(in: "11010519491231002") == .wrongLength(17))
        #expect(IDNumber.problem(in: "11a10519491231002X") == .badCharacter(at: 3))
        #expect(IDNumber.problem(in: "110105194902300021") == .badBirthDate("19490230"))
        #expect(IDNumber.problem(in: "530124********1234") == .masked)
    }

    /// The check as bytes (for 18 ASCII characters) agrees with the rule written out
    /// here on numbers valid and not: every birth date of a leap and a common year, the
    /// check character right, wrong, or a lower-case x.
    @Test func idNumbersAreJudgedByTheRuleWhateverTheirDigits() {
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let checks = Array("10X98765432")
        var rng = SplitMix64(seed: 11)
        for year in [1900, 1949, 2000, 2023, 2100, 1899, 2101] {
            for month in 0...13 {
                for day in [0, 1, 28, 29, 30, 31, 32] {
                    let first17 = String(format: "530124%04d%02d%02d%03d", year, month, day, Int(rng.next() % 1000))
                    let sum = zip(first17, weights).reduce(0) { $0 + $1.0.wholeNumberValue! * $1.1 }
                    let right = checks[sum % 11]
                    let wrong = checks[(sum + 1 + Int(rng.next() % 10)) % 11]
                    let dateOK = (1900...2100).contains(year) && (1...12).contains(month) && day >= 1
                        && day <= EffectiveDate.daysIn(month: month, year: year)
                    for (last, valid) in [(right, dateOK), (wrong, false)] + (right == "X" ? [(Character("x"), dateOK)] : []) {
                        let text = first17 + String(last)
                        let id = try? IDNumber(validating: text)
                        #expect((id != nil) == valid, "\(text)")
                        if let id { #expect(id.value == text.uppercased()) }
                    }
                }
            }
        }
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

@Suite struct FundUnitTests {
    @Test func parsesEveryKindAndRefusesTheRest() {
        #expect(FundUnit("county-530124") == .county("530124"))
        #expect(FundUnit("town-530124101") == .town("530124101"))
        #expect(FundUnit("village-530124101201") == .village("530124101201"))
        #expect(FundUnit("org-富民县农商银行") == .org("富民县农商银行"))
        for bad in ["county-53012", "town-5301241010", "village-53012410120x", "org-", "household-5301241012010001", ""] {
            #expect(FundUnit(bad) == nil, "\(bad)")
        }
        #expect(FundUnit.village("530124101201").description == "village-530124101201")
    }

    /// The areas a unit is in, by which the two ledgers group money still held.
    @Test func aUnitIsInItsCountyAndTown() {
        let village = FundUnit.village("530124101201"), town = FundUnit.town("530124101")
        #expect(village.county == "530124" && village.town == "530124101" && village.village == "530124101201")
        #expect(town.county == "530124" && town.town == "530124101" && town.village == nil)
        #expect(FundUnit.county("530124").county == "530124" && FundUnit.county("530124").town == nil)
        #expect(FundUnit.org("银行").county == nil && FundUnit.org("银行").town == nil && FundUnit.org("银行").village == nil)
    }
}

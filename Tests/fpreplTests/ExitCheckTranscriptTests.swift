import Foundation
import Testing

@Suite struct ExitCheckTranscriptTests {
    @Test func theSampleExitAsRecordedAndAsCorrected() throws {
        try withStore { dir in
            _ = try fprepl(["--store", dir, "-c", "import \(sampleLog)"])
            let r = try fprepl(["--store", dir, "--format", "json", "-c", "asof position 28; exit-check 5301241012010001; asof effective 2016-12-31; exit-check 5301241012010001"])
            #expect(r.out == """
                {"asof":"position 28"}
                {"household":"5301241012010001","exit_year":2016,"line_fen":295200,"income_fen":311667,"guarantees_ok":true,"procedure_ok":false,"missing_steps":["村级公示(不少于10天)"],"verdict":"failed"}
                {"asof":"effective 2016-12-31"}
                {"household":"5301241012010001","exit_year":2016,"line_fen":295200,"income_fen":105000,"guarantees_ok":true,"procedure_ok":false,"missing_steps":["村级公示(不少于10天)"],"verdict":"failed"}

                """)
            let none = try fprepl(["--store", dir, "-c", "exit-check 5301241012010002"])
            #expect(none.err == "error: household 5301241012010002 has no exit (脱贫退出) as of now\n")
        }
    }
}

import Foundation
import Testing

@Suite struct HouseholdTranscriptTests {
    @Test func importThenQueryAHousehold() throws {
        try withStore { dir in
            let r = try fprepl(["--store", dir, "--format", "json", "-c", "import \(sampleLog); household 5301241012010001"])
            #expect(r.err == "")
            #expect(r.status == 0)
            let lines = r.out.split(separator: "\n")
            #expect(lines.first.map(String.init) == "{\"file\":\"\(sampleLog)\",\"events\":46,\"first_position\":0,\"last_position\":45}")
            #expect(lines.last.map(String.init) == #"{"id":"5301241012010001","village":"530124101201","status":"已脱贫(不再享受政策)","attribute":"一般贫困户","main_cause":"因病","other_causes":["缺技术"],"members":["张**（户主）","王**（配偶）","张**（之子）","张**（孙女）"],"people":4,"income_fen":353750,"identified_year":2014,"exit_year":2018,"helpers":["c0001"],"monitored":false,"version":20,"position":37}"#)
        }
    }

    @Test func asofEffectiveShowsTheCorrectedPastAndRecordedShowsWhatWasKnown() throws {
        try withStore { dir in
            _ = try fprepl(["--store", dir, "-c", "import \(sampleLog)"])
            let effective = try fprepl(["--store", dir, "--format", "json", "-c", "asof effective 2016-12-31; household 5301241012010001"])
            #expect(effective.out.contains("\"status\":\"已脱贫\""))
            #expect(effective.out.contains("\"income_fen\":105000"))
            let recorded = try fprepl(["--store", dir, "--format", "json", "-c", "asof position 28; household 5301241012010001"])
            #expect(recorded.out.contains("\"income_fen\":311667"))
            let history = try fprepl(["--store", dir, "--format", "json", "-c", "asof position 28; history 5301241012010001"])
            #expect(!history.out.contains("\"position\":29"), "the correction was not recorded yet")
            let now = try fprepl(["--store", dir, "--format", "json", "-c", "history 5301241012010001"])
            #expect(now.out.contains(#"{"position":25,"version":8,"type":"IncomeAssessed","effective":"2016-11-25""#))
            #expect(now.out.contains(#""summary":"收入核算：2016年，家庭纯收入 9,350.00 元","corrected_by":[29]}"#))
        }
    }

    @Test func analystsSeeMaskedPersonalDataAuditorsDoNot() throws {
        try withStore { dir in
            _ = try fprepl(["--store", dir, "-c", "import \(sampleLog)"])
            let out = FileManager.default.temporaryDirectory.path + "/export-\(UUID().uuidString).jsonl"
            defer { try? FileManager.default.removeItem(atPath: out) }
            let masked = try fprepl(["--store", dir, "-c", "export \(out) --stream household-5301241012010001"])
            #expect(masked.out == "exported 21 events to \(out) (names and id numbers masked)\n")
            let text = try String(contentsOfFile: out, encoding: .utf8)
            #expect(!text.contains("张德华"))
            #expect(text.contains("\"name\":\"张**\""))
            #expect(text.contains("\"id_number\":\"530124********"))
            let missing = try fprepl(["--store", dir, "-c", "export \(out).none --stream 5301241012010001\nexport \(out).none --stream household-1"])
            #expect(missing.err == "error: export --stream 5301241012010001: the log holds no such stream; streams are named category-id, such as household-5301241012010001\n"
                + "error: export --stream household-1: the log holds no such stream\n")
            #expect(!FileManager.default.fileExists(atPath: out + ".none"))
            // A masked export does not import elsewhere, and says why.
            try withStore { other in
                let again = try fprepl(["--store", other, "-c", "import \(out)"])
                #expect(again.status == 1)
                #expect(again.err == "error: \(out): line 1: field data.members[0].id_number: the id number is masked (an export made --as analyst); "
                    + "export again --as auditor or --as inspector to import it; nothing was imported\n")
            }
            let full = try fprepl(["--store", dir, "--as", "auditor", "-c", "export \(out) --stream household-5301241012010001; household 5301241012010001"])
            #expect(try String(contentsOfFile: out, encoding: .utf8).contains("张德华"))
            #expect(full.out.contains("张德华（户主）"))
            let mode = (try FileManager.default.attributesOfItem(atPath: out)[.posixPermissions] as? NSNumber)?.intValue
            #expect(mode == 0o600)
        }
    }

    @Test func aBadImportNamesFileLineAndFieldAndWritesNothing() throws {
        try withStore { dir in
            let bad = FileManager.default.temporaryDirectory.path + "/bad-\(UUID().uuidString).jsonl"
            defer { try? FileManager.default.removeItem(atPath: bad) }
            var lines = try String(contentsOfFile: sampleLog, encoding: .utf8).split(separator: "\n").map(String.init)
            lines[12] = lines[12].replacingOccurrences(of: "\"amount_fen\":50000000", with: "\"amount_fen\":500000.00")
            try (lines.joined(separator: "\n") + "\n").write(toFile: bad, atomically: true, encoding: .utf8)
            let r = try fprepl(["--store", dir, "--format", "json", "-c", "import \(bad)\nstatus"])
            #expect(r.status == 1)
            #expect(r.err == "error: \(bad): line 13: field data.amount_fen: must be a whole number, not 500000.00; nothing was imported\n")
            #expect(r.out.contains("\"events\":0"))
        }
    }

    @Test func textThatIsNotUTF8IsRefusedWhereItsFirstBadByteIsAndNothingIsImported() throws {
        try withStore { dir in
            let tmp = FileManager.default.temporaryDirectory.path + "/utf8-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: tmp) }
            let sample = try String(contentsOfFile: sampleLog, encoding: .utf8)
            let lines = sample.split(separator: "\n").map(String.init)
            // Line 2 with text as a county system exporting GBK would write it: 国开办发.
            let gbk: [UInt8] = [0xB9, 0xFA, 0xBF, 0xAA, 0xB0, 0xEC, 0xB7, 0xA2]
            let at = try #require(lines[1].range(of: "\"actor\":\"")).upperBound
            let column = lines[1][..<at].count + 1
            var bytes = Array((lines[0] + "\n").utf8) + Array(lines[1][..<at].utf8) + gbk
                + Array(lines[1][at...].utf8) + Array("\n".utf8)
            for line in lines[2...] { bytes += Array((line + "\n").utf8) }
            let gbkFile = tmp + "/gbk.jsonl"
            try Data(bytes).write(to: URL(fileURLWithPath: gbkFile))
            let r = try fprepl(["--store", dir, "--format", "json", "-c", "import \(gbkFile)\nstatus"])
            #expect(r.status == 1)
            #expect(r.err == "error: \(gbkFile): line 2, column \(column): not UTF-8 (bytes 0xB9 0xFA 0xBF 0xAA); "
                + "give it as UTF-8 (from GBK: iconv -f GBK -t UTF-8 \(gbkFile))\n")
            #expect(r.out.contains("\"events\":0"), "nothing imported")

            // Notepad's UTF-8 with a byte order mark and Windows line ends: read as written.
            let bomFile = tmp + "/bom.jsonl"
            try Data([0xEF, 0xBB, 0xBF] + Array(lines.joined(separator: "\r\n").utf8) + [0x0D, 0x0A]).write(to: URL(fileURLWithPath: bomFile))
            let bom = try fprepl(["--store", dir, "-c", "import \(bomFile)"])
            #expect(bom.err == "")
            #expect(bom.out == "imported \(lines.count) events from \(bomFile) (positions 0-\(lines.count - 1))\n")

            // A script, from a file or on stdin: refused whole (exit 2), nothing run.
            let script = tmp + "/script.fp"
            let scriptBytes: [UInt8] = Array("status\nhousehold ".utf8) + gbk + Array("\n".utf8)
            try Data(scriptBytes).write(to: URL(fileURLWithPath: script))
            let f = try fprepl(["--store", dir, "-f", script])
            #expect(f.status == 2)
            #expect(f.out == "")
            #expect(f.err.hasPrefix("error: \(script): line 2, column 11: not UTF-8 (bytes 0xB9 0xFA 0xBF 0xAA); "))
            let piped = try fprepl(["--store", dir], stdinBytes: scriptBytes)
            #expect(piped.status == 2)
            #expect(piped.out == "")
            #expect(piped.err == "error: <stdin>: line 2, column 11: not UTF-8 (bytes 0xB9 0xFA 0xBF 0xAA); "
                + "give it as UTF-8 (from GBK: pipe it through iconv -f GBK -t UTF-8)\n")
            let bomScript = try fprepl(["--store", dir, "--format", "json"], stdinBytes: [0xEF, 0xBB, 0xBF] + Array("status\r\n".utf8))
            #expect(bomScript.status == 0)
            #expect(bomScript.out.contains("\"events\":\(lines.count)"))

            // One event is said in the singular.
            let oneFile = tmp + "/one.jsonl"
            try (lines[0] + "\n").write(toFile: oneFile, atomically: true, encoding: .utf8)
            let one = try fprepl(["--store", dir, "-c", "import \(oneFile); export \(tmp)/out.jsonl --from \(lines.count)"])
            #expect(one.out == "imported 1 event from \(oneFile) (position \(lines.count))\n"
                + "exported 1 event to \(tmp)/out.jsonl (names and id numbers masked)\n")
        }
    }

    @Test func unknownHouseholdsAndBadAsofSaySo() throws {
        try withStore { dir in
            _ = try fprepl(["--store", dir, "-c", "import \(sampleLog)"])
            // A failed asof stops the script (what follows would answer for another point).
            let stops = "; the script stops here (the commands after it would answer for another point or in another form)"
            let r = try fprepl(["--store", dir, "-c", "household 999\nasof effective 2016-02-30\nasof effective 2014-01-01\nhousehold 5301241012010001"])
            #expect(r.err == """
                error: '999' is not a household id: an id is 16 digits (5301241012010001)
                error: 2016-02-30 is not a date; asof takes: position N | recorded YYYY-MM-DDTHH:MM:SS[.ffffff]Z | effective YYYY-MM-DD | now\(stops)

                """)
            #expect(r.out == "")
            let unknown = try fprepl(["--store", dir, "-c", "asof effective 2014-01-01\nhousehold 5301241012010001"])
            #expect(unknown.err == "error: household 5301241012010001 was not identified as of effective 2014-01-01\n")
            let past = try fprepl(["--store", dir, "-c", "asof position 46\nasof position 45\nasof"])
            #expect(past.err == "error: asof position 46: the log ends at position 45; asof now follows it as it grows\(stops)\n")
            #expect(past.out == "")
            let later = try fprepl(["--store", dir, "-c", "asof position 45\nasof"])
            #expect(later.out == "asof position 45\n")
        }
        try withStore { dir in
            let empty = try fprepl(["--store", dir, "-c", "asof position 0"])
            #expect(empty.err == "error: asof position 0: the log holds no events yet; the script stops here (the commands after it would answer for another point or in another form)\n")
        }
    }
}

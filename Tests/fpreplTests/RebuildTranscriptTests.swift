import Foundation
import Testing

@Suite struct RebuildTranscriptTests {
    @Test func rebuildFoldsEverythingAndReplacesTheSnapshot() throws { try withSample { dir in
        let ro = try fprepl(["--store", dir, "--read-only", "--format", "json", "-c", "rebuild"])
        #expect(ro.status == 0, "\(ro.err)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/projections/county.snapshot"), "read-only writes nothing")
        let r = try fprepl(["--store", dir, "--format", "json", "-c", "rebuild; stats"])
        #expect(r.status == 0, "\(r.err)")
        let first = try #require(r.out.components(separatedBy: "\n").first)
        let doc = try JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: Any]
        #expect(doc?["events"] as? Int == 46)
        #expect(doc?["households"] as? Int == 2)
        #expect((doc?["events_per_second"] as? Int ?? 0) > 0)
        #expect(FileManager.default.fileExists(atPath: dir + "/projections/county.snapshot"))
        #expect(try fprepl(["--store", dir, "-c", "rebuild now"]).err == "error: rebuild takes no arguments\n")
    } }
}

import Testing
@testable import EventStore

@Suite struct CheckpointSigningTests {
    // The key and note of golang.org/x/mod/sumdb/note's tests: our notes are Go's, byte for byte.
    let vkey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
    let skey = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
    let text = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
    let signature = "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"

    @Test func signsAndOpensTheGoReferenceNote() throws {
        let signer = try CheckpointSigningKey(text: skey)
        #expect(signer.text == skey + "\n")
        #expect(signer.verifier.text == vkey + "\n")
        #expect(LogCheckpoint.signNote(text, by: signer) == text + "\n" + signature)
        let verifier = try CheckpointVerifierKey(text: vkey)
        #expect(try LogCheckpoint.openNote(text + "\n" + signature, verifiedBy: verifier) == text)
        #expect(throws: LogCheckpoint.Failure.self) {
            try LogCheckpoint.openNote(text.replacingOccurrences(of: "answer", with: "Answer") + "\n" + signature, verifiedBy: verifier)
        }
    }

    @Test func aCheckpointRoundTripsAndEveryTamperingIsNamed() throws {
        let key = try CheckpointSigningKey.generate(name: "inspector-2026")
        let cp = LogCheckpoint(origin: "fp-ledger/0011", size: 1200, root: MerkleHash.leaf([1, 2, 3]))
        let note = cp.signed(by: key)
        #expect(note.hasPrefix("fp-ledger/0011\n1200\n\(cp.root.base64)\n\n— inspector-2026 "))
        #expect(try LogCheckpoint.open(note, verifiedBy: key.verifier) == cp)

        func failure(_ text: String, _ verifier: CheckpointVerifierKey? = nil) -> String {
            do {
                _ = try LogCheckpoint.open(text, verifiedBy: verifier ?? key.verifier)
                return "accepted"
            } catch {
                return error.message
            }
        }
        #expect(failure(note.replacingOccurrences(of: "\n1200\n", with: "\n1201\n")).contains("does not verify"))
        #expect(failure(note, try CheckpointSigningKey.generate(name: "inspector-2026").verifier).contains("no signature by inspector-2026"))
        #expect(failure(note, try CheckpointSigningKey.generate(name: "someone").verifier).contains("no signature by someone"))
        #expect(failure("fp-ledger/0011\n1200\n").contains("no blank line"))
        let unsigned = LogCheckpoint.signNote("fp-ledger/0011\n01200\n\(cp.root.base64)\n", by: key)
        #expect(failure(unsigned).contains("line 2"))
        #expect(throws: LogCheckpoint.Failure.self) { try CheckpointSigningKey.generate(name: "two words") }
        #expect(throws: LogCheckpoint.Failure.self) { try CheckpointVerifierKey(text: "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW") }
        // A key read back from its text signs alike.
        let again = try CheckpointSigningKey(text: key.text)
        #expect(cp.signed(by: again) == note)
    }
}

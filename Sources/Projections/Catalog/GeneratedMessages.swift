import SwiftProtobuf

extension EventCatalog {
    /// The generated message type of each event type (`Sources/Projections/Generated`).
    public static let messageTypes: [String: any SwiftProtobuf.Message.Type] = [
        "HouseholdIdentified": Fp_HouseholdIdentified.self, "MemberChanged": Fp_MemberChanged.self,
        "IncomeAssessed": Fp_IncomeAssessed.self, "GuaranteesAssessed": Fp_GuaranteesAssessed.self,
        "HelperAssigned": Fp_HelperAssigned.self, "HelperReleased": Fp_HelperReleased.self,
        "VisitRecorded": Fp_VisitRecorded.self, "MeasureApplied": Fp_MeasureApplied.self,
        "ExitApproved": Fp_ExitApproved.self, "ReturnedToPoverty": Fp_ReturnedToPoverty.self,
        "RemovedAsMisidentified": Fp_RemovedAsMisidentified.self, "EntitlementEnded": Fp_EntitlementEnded.self,
        "MonitoringEnrolled": Fp_MonitoringEnrolled.self, "RiskEliminated": Fp_RiskEliminated.self,
        "RelocationRecorded": Fp_RelocationRecorded.self, "LoanIssued": Fp_LoanIssued.self,
        "LoanRepaid": Fp_LoanRepaid.self, "LoanOverdue": Fp_LoanOverdue.self, "SurveyRecorded": Fp_SurveyRecorded.self,
        "VillageRegistered": Fp_VillageRegistered.self, "PopulationReported": Fp_PopulationReported.self,
        "VillageDesignatedPoor": Fp_VillageDesignatedPoor.self, "VillageExited": Fp_VillageExited.self,
        "CadreRegistered": Fp_CadreRegistered.self, "FundAllocated": Fp_FundAllocated.self,
        "FundTransferred": Fp_FundTransferred.self, "FundDisbursed": Fp_FundDisbursed.self,
        "FundReturned": Fp_FundReturned.self, "ProjectRegistered": Fp_ProjectRegistered.self,
        "ProjectPublicized": Fp_ProjectPublicized.self, "ProjectCompleted": Fp_ProjectCompleted.self,
        "ProjectAccepted": Fp_ProjectAccepted.self, "AssetRegistered": Fp_AssetRegistered.self,
        "AssetIncomeDistributed": Fp_AssetIncomeDistributed.self, "PolicySet": Fp_PolicySet.self,
        "Correction": Fp_Correction.self,
    ]
}

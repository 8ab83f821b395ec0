/**
 * 授权同意与核验: applicants' consents to notary offices, and the notaries' verifications (核验) of
 * facts under an agreement and a consent — answered with the least that settles the question
 * (match or not, a few masked values) and signed by the hub (docs/verification.md). No other
 * module depends on this one.
 */
package cn.tongban.consent;

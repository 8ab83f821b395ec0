/**
 * 平台联邦: exchange with other provinces' platforms — peers and their pinned anchors, signed
 * platform directories, the signed and receipted inter-platform messages of
 * docs/federation-protocol.md, and the modules that act on them (demands, records, queries, cases,
 * verifications) through {@link cn.tongban.federation.PeerMessaging} and
 * {@link cn.tongban.federation.MessageHandler}.
 */
package cn.tongban.federation;

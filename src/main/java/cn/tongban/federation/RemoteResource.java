package cn.tongban.federation;

import java.time.Instant;

/** 远端资源: a resource the local catalog holds as a peer platform's — which province, its registry subject here, when imported. */
public record RemoteResource(String resourceCode, String province, String subject, Instant importedAt) {}

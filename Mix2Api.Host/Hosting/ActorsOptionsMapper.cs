using Mix2Api.Actors.Hosting;
using Mix2Api.Actors.Membership;
using Mix2Api.Actors.Sessions;
using Mix2Api.Actors.Singleton;
using K = Mix2Api.Host.Hosting.ActorsSettingKeys;

namespace Mix2Api.Host.Hosting;

/// <summary>Configuration → <see cref="ActorsOptions"/>, with the actor layer's own validation reported as start-up errors.</summary>
public static class ActorsOptionsMapper
{
    public static ActorsOptions Map(SettingsReader r, string upstreamAuthMode, string? bearer, string? apiBase, string nodeId, string channel)
    {
        var defaults = new ActorsOptions();
        var options = new ActorsOptions
        {
            UpstreamAuthMode = upstreamAuthMode,
            UpstreamBearerToken = bearer,
            KeyPrefix = r.String(K.KeyPrefix),
            Sessions = new Mix2Api.Actors.Sessions.SessionOptions
            {
                KeyMode = r.String(K.SessionKeyMode).ToLowerInvariant(),
                KeyHeader = r.String(K.SessionKeyHeader).ToLowerInvariant(),
                Ttl = r.Millis(K.SessionTtl, 1),
                IdFallbackToExchange = r.Bool(K.SessionFromExchange),
                KeyPrefix = r.String(K.SessionPrefix),
                EntityIdleTimeout = r.Millis(K.SessionEntityIdle, 1),
                CasMaxAttempts = r.Int(K.SessionCasAttempts, 1, 10_000),
            },
            Store = new StoreOptions
            {
                Mode = r.String(K.StoreMode).ToLowerInvariant(),
                RedisUrl = r.Raw(K.RedisUrl),
                ConnectTimeout = r.Millis(K.RedisConnectTimeout, 1),
                CommandTimeout = r.Millis(K.RedisCommandTimeout, 1),
                PingInterval = r.Millis(K.RedisPing, 10),
                MemoryMaxEntries = r.Int(K.MemoryMaxEntries, 1),
                MemorySweepInterval = r.Millis(K.MemorySweep, 10),
            },
            Token = new TokenOptions
            {
                TokenUrl = r.Raw(K.TokenUrl),
                ApiBase = apiBase,
                TokenPath = r.String(K.TokenPath),
                Method = r.String(K.TokenMethod).ToUpperInvariant(),
                HeadersJson = r.String(K.TokenHeaders),
                BodyJson = r.Raw(K.TokenBody),
                TokenField = r.String(K.TokenField),
                ExpiresInField = r.String(K.TokenExpiresInField),
                Timeout = r.Millis(K.TokenTimeout, 1),
                ExpirySkew = r.Millis(K.TokenSkew),
                RecoveryRetry = r.Int(K.TokenRecovery, 0, 10),
                LoginBackoff = r.Millis(K.LoginBackoff, 1),
                LoginBackoffMax = r.Millis(K.LoginBackoffMax, 1),
            },
            Membership = new MembershipOptions
            {
                NodeId = nodeId,
                Channel = channel,
                Version = r.Raw(K.NodeVersion) ?? defaults.Membership.Version,
                HeartbeatInterval = r.Millis(K.MemberHeartbeat, 10),
                Ttl = r.Millis(K.MemberTtl, 100),
            },
        };
        try
        {
            return options.Validate();
        }
        catch (ArgumentException ex)
        {
            r.Error(ex.Message);
            return options;
        }
    }
}

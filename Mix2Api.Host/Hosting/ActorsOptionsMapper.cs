using Mix2Api.Actors.Hosting;
using Mix2Api.Actors.Sessions;
using Mix2Api.Actors.Singleton;
using K = Mix2Api.Host.Hosting.ActorsSettingKeys;

namespace Mix2Api.Host.Hosting;

/// <summary>Configuration → <see cref="ActorsOptions"/>, with the actor layer's own validation reported as start-up errors.</summary>
public static class ActorsOptionsMapper
{
    public static ActorsOptions Map(SettingsReader r, string upstreamAuthMode, string? bearer, string? apiBase, string nodeId, string channel, bool isDevelopment)
    {
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
                AskTimeout = r.Millis(K.SessionAskTimeout, 1),
            },
            Store = new StoreOptions
            {
                Mode = r.String(K.StoreMode).ToLowerInvariant(),
                RedisUrl = r.Raw(K.RedisUrl),
                ConnectTimeout = r.Millis(K.RedisConnectTimeout, 1),
                CommandTimeout = r.Millis(K.RedisCommandTimeout, 1),
                JournalCommandTimeout = r.Millis(K.RedisJournalCommandTimeout, 1),
                PingInterval = r.Millis(K.RedisPing, 10),
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
            Cluster = MapCluster(r, nodeId, channel, isDevelopment),
        };
        foreach (var problem in options.Cluster.Problems()) r.Error(problem);
        try
        {
            return options.Validate();
        }
        catch (ArgumentException ex)
        {
            if (!r.Errors.Contains(ex.Message)) r.Error(ex.Message);
            return options;
        }
    }

    /// <summary>
    /// SPEC §11. With no seeds in Development the default port is 0 (any free port), so two <c>dotnet run</c> side by
    /// side do not collide; a node that others join needs a fixed port (4053 unless CLUSTER_PORT says otherwise).
    /// </summary>
    private static ClusterNodeOptions MapCluster(SettingsReader r, string nodeId, string channel, bool isDevelopment)
    {
        var seeds = (r.Raw(K.ClusterSeedNodes) ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var hostname = r.Raw(K.ClusterHostname) ?? K.ClusterHostname.Default;
        var defaultPort = isDevelopment && seeds.Length == 0 ? 0 : 4053;
        return new ClusterNodeOptions
        {
            NodeId = nodeId,
            Channel = channel,
            Hostname = hostname,
            PublicHostname = r.Raw(K.ClusterPublicHostname),
            Port = r.Int(K.ClusterPort, 0, 65535, defaultPort),
            SeedNodes = seeds,
        };
    }
}

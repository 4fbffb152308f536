using System.Globalization;
using StackExchange.Redis;

namespace Mix2Api.Actors.Persistence;

/// <summary>
/// Reads the Node adapter's <c>redis://[user:password@]host:port[/db]</c> (and <c>rediss://</c> for TLS) as well as a
/// StackExchange.Redis configuration string (<c>host:port,password=…</c>). As in the Node adapter, user info without a
/// colon (<c>redis://secret@host</c>) is a password, not a user name.
/// </summary>
public static class RedisConnectionString
{
    /// <summary>Parses <paramref name="value"/>; throws <see cref="ArgumentException"/> naming what is wrong (never the password).</summary>
    public static ConfigurationOptions Parse(string value)
    {
        if (string.IsNullOrWhiteSpace(value)) throw new ArgumentException("the Redis configuration string is empty", nameof(value));
        if (value.StartsWith("redis://", StringComparison.OrdinalIgnoreCase) || value.StartsWith("rediss://", StringComparison.OrdinalIgnoreCase))
            return FromUrl(value);
        try
        {
            return ConfigurationOptions.Parse(value);
        }
        catch (ArgumentException ex)
        {
            // The parser's message quotes the offending option, which may be the password: keep only its kind.
            throw new ArgumentException("the Redis configuration string is not a redis:// URL nor a valid StackExchange.Redis configuration string", nameof(value), ex.GetType() == typeof(ArgumentException) ? null : ex);
        }
    }

    private static ConfigurationOptions FromUrl(string value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
            throw new ArgumentException("the Redis URL is not of the form redis://[user:password@]host:port[/db]", nameof(value));
        var options = new ConfigurationOptions { Ssl = uri.Scheme.Equals("rediss", StringComparison.OrdinalIgnoreCase) };
        options.EndPoints.Add(uri.Host, uri.IsDefaultPort || uri.Port <= 0 ? 6379 : uri.Port);
        if (uri.UserInfo.Length > 0)
        {
            var userInfo = uri.UserInfo;
            var colon = userInfo.IndexOf(':');
            var user = Uri.UnescapeDataString(colon >= 0 ? userInfo[..colon] : "");
            var password = Uri.UnescapeDataString(colon >= 0 ? userInfo[(colon + 1)..] : userInfo);
            if (user.Length > 0) options.User = user;
            if (password.Length > 0) options.Password = password;
        }
        var path = uri.AbsolutePath.Trim('/');
        if (path.Length > 0)
        {
            if (!int.TryParse(path, NumberStyles.None, CultureInfo.InvariantCulture, out var db))
                throw new ArgumentException($"the Redis URL's database '{path}' is not a number", nameof(value));
            options.DefaultDatabase = db;
        }
        return options;
    }
}

using Mix2Api.Actors.Persistence;
using StackExchange.Redis;

namespace Mix2Api.Tests.Persistence;

public sealed class RedisConnectionStringTests
{
    [Fact]
    public void A_url_with_user_password_and_database_sets_all_three()
    {
        var options = RedisConnectionString.Parse("redis://app:p%40ss@redis.local:6380/2");

        Assert.Equal("redis.local:6380", Assert.Single(options.EndPoints).ToString()?.Replace("Unspecified/", ""));
        Assert.Equal("app", options.User);
        Assert.Equal("p@ss", options.Password);
        Assert.Equal(2, options.DefaultDatabase);
        Assert.False(options.Ssl);
    }

    [Theory]
    [InlineData("redis://:secret@host:6379", null, "secret")]
    [InlineData("redis://secret@host:6379", null, "secret")]
    [InlineData("redis://host:6379", null, null)]
    public void User_info_follows_the_Node_adapter(string url, string? user, string? password)
    {
        var options = RedisConnectionString.Parse(url);

        Assert.Equal(user, options.User);
        Assert.Equal(password, options.Password);
    }

    [Fact]
    public void Rediss_means_tls_and_the_default_port_is_6379()
    {
        var options = RedisConnectionString.Parse("rediss://host");

        Assert.True(options.Ssl);
        Assert.EndsWith(":6379", Assert.Single(options.EndPoints).ToString());
    }

    [Fact]
    public void A_StackExchange_configuration_string_is_accepted()
    {
        var options = RedisConnectionString.Parse("host1:7000,password=pw,defaultDatabase=3");

        Assert.Equal("pw", options.Password);
        Assert.Equal(3, options.DefaultDatabase);
    }

    [Theory]
    [InlineData("redis://user:hunter2@host:6379/notanumber")]
    [InlineData("redis://user:hunter2@:6379")]
    [InlineData("   ")]
    public void A_bad_value_is_refused_without_echoing_the_password(string value)
    {
        var error = Assert.Throws<ArgumentException>(() => RedisConnectionString.Parse(value));

        Assert.DoesNotContain("hunter2", error.ToString());
    }
}

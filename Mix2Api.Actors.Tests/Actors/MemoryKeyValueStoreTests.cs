using Mix2Api.Actors.State;
using Mix2Api.Tests.Support;

namespace Mix2Api.Tests.Actors;

public sealed class MemoryKeyValueStoreTests
{
    private readonly TestTimeProvider _time = new();

    [Fact]
    public async Task Expired_entries_are_invisible_and_swept()
    {
        var store = new MemoryKeyValueStore(_time);
        await store.SetAsync("a", "1", TimeSpan.FromMinutes(1), CancellationToken.None);
        await store.SetAsync("b", "2", TimeSpan.FromMinutes(10), CancellationToken.None);

        _time.Advance(TimeSpan.FromMinutes(2));

        Assert.Null(await store.GetAsync("a", CancellationToken.None));
        Assert.Equal(0, store.Sweep()); // the read above already dropped it
        await store.SetAsync("c", "3", TimeSpan.FromMinutes(1), CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(1, store.Sweep());
        Assert.Equal(1, store.Count);
    }

    [Fact]
    public async Task A_full_store_evicts_the_entries_closest_to_expiry()
    {
        var store = new MemoryKeyValueStore(_time, maxEntries: 10);
        for (var i = 0; i < 10; i++) await store.SetAsync($"k{i}", "v", TimeSpan.FromMinutes(10 + i), CancellationToken.None);

        await store.SetAsync("new", "v", TimeSpan.FromMinutes(30), CancellationToken.None);

        Assert.True(store.Count <= 10);
        Assert.Null(await store.GetAsync("k0", CancellationToken.None));
        Assert.Equal("v", await store.GetAsync("new", CancellationToken.None));
    }

    [Fact]
    public async Task Compare_and_set_replaces_only_the_expected_value()
    {
        var store = new MemoryKeyValueStore(_time);

        Assert.True(await store.CompareAndSetAsync("k", null, "v1", null, CancellationToken.None));
        Assert.False(await store.CompareAndSetAsync("k", null, "v2", null, CancellationToken.None));
        Assert.False(await store.CompareAndSetAsync("k", "other", "v2", null, CancellationToken.None));
        Assert.True(await store.CompareAndSetAsync("k", "v1", "v2", null, CancellationToken.None));
        Assert.True(await store.CompareAndSetAsync("k", "v2", null, null, CancellationToken.None));
        Assert.Null(await store.GetAsync("k", CancellationToken.None));
    }
}

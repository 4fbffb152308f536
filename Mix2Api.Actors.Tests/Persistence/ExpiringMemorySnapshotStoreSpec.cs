using Mix2Api.Tests.Support;
using Xunit.Abstractions;

namespace Mix2Api.Tests.Persistence;

/// <summary>The snapshot store contract for the in-memory expiring store (well within its TTL).</summary>
public sealed class ExpiringMemorySnapshotStoreSpec(ITestOutputHelper output)
    : SnapshotStoreContract(ExpiringMemoryTestConfig.For(new TestTimeProvider(), TimeSpan.FromMinutes(30)), output);

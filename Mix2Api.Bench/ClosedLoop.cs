namespace Mix2Api.Bench;

/// <summary>
/// A closed-loop load: <c>concurrency</c> workers, each sending its next request as soon as the previous
/// reply has been read, until <c>total</c> requests have been sent.
/// </summary>
public static class ClosedLoop
{
    public static async Task<StreamResult[]> RunAsync(int concurrency, int total, Func<Task<StreamResult>> send)
    {
        var results = new StreamResult[total];
        var next = -1;
        var workers = new Task[Math.Min(concurrency, total)];
        for (var w = 0; w < workers.Length; w++)
        {
            workers[w] = Task.Run(async () =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < total) results[i] = await send();
            });
        }
        await Task.WhenAll(workers);
        return results;
    }
}

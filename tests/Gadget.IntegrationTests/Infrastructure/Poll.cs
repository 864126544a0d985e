namespace Gadget.IntegrationTests.Infrastructure;

internal static class Poll
{
    /// <summary>Waits until <paramref name="condition"/> holds, or fails naming what it waited for.</summary>
    public static void Until(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (DateTime.UtcNow < deadline)
        {
            if (condition())
                return;
            Thread.Sleep(50);
        }
        Assert.Fail($"timed out waiting for {what}");
    }
}

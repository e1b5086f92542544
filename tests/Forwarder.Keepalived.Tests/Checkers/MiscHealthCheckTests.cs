using System.Diagnostics;
using Forwarder.Keepalived.Checkers;
using Forwarder.Keepalived.Configuration;

namespace Forwarder.Keepalived.Tests.Checkers;

[TestFixture]
public sealed class MiscHealthCheckTests
{
    private static MiscCheckConfig Script(string shell, double timeoutSeconds = 5) => new()
    {
        Script = new ScriptCommand(["/bin/sh", "-c", shell]),
        Timeout = TimeSpan.FromSeconds(timeoutSeconds),
        DelayLoop = TimeSpan.FromSeconds(timeoutSeconds),
    };

    [TestCase(0, true)]
    [TestCase(1, false)]
    [TestCase(7, false)]
    public async Task ExitStatus_IsReported_AndOnlyZeroPassesByItself(int status, bool up)
    {
        var result = await new MiscHealthCheck(Script($"exit {status}")).RunAsync(CancellationToken.None);

        Assert.That((result.Up, result.ExitStatus, result.Detail), Is.EqualTo((up, (int?)status, "exited with status")));
    }

    [Test]
    public async Task ScriptStillRunningAtMiscTimeout_IsKilledWithWhatItStarted_AndTimesOut()
    {
        var pidFile = Path.Combine(Path.GetTempPath(), $"misc-check-{Guid.NewGuid():N}");
        try
        {
            var watch = Stopwatch.StartNew();
            // The script's child (sleep) must die too, as keepalived kills the script's process group.
            var result = await new MiscHealthCheck(Script($"sleep 30 & echo $! > {pidFile}; wait", timeoutSeconds: 1)).RunAsync(CancellationToken.None);

            Assert.That((result.Up, result.TimedOut, result.Detail), Is.EqualTo((false, true, "timed out")));
            Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));
            var child = int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);
            var deadline = DateTime.UtcNow.AddSeconds(5);
            while (Directory.Exists($"/proc/{child}") && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
            Assert.That(Directory.Exists($"/proc/{child}"), Is.False, "the script's child was killed");
        }
        finally
        {
            File.Delete(pidFile);
        }
    }

    [Test]
    public async Task MissingProgram_FailsWithoutThrowing()
    {
        var config = new MiscCheckConfig { Script = new ScriptCommand(["/nonexistent/check"]), Timeout = TimeSpan.FromSeconds(1) };

        var result = await new MiscHealthCheck(config).RunAsync(CancellationToken.None);

        Assert.That(result.Up, Is.False);
        Assert.That(result.Detail, Does.StartWith("could not be started"));
    }
}

using CommandLine;
using Forwarder.Commands;
using Forwarder.Ipvsadm.Control;

namespace Forwarder;

/// <summary>The <c>forwarder</c> executable: <c>replay</c> captures, <c>run</c> the live director, <c>ipvsadm</c> for it, <c>vip</c> to move its addresses.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        // ipvsadm's arguments are its own grammar, so they bypass the verb parser untouched.
        if (args.Length > 0 && args[0] == "ipvsadm")
        {
            using var output = Console.OpenStandardOutput();
            using var errors = Console.OpenStandardError();
            return IpvsadmClientCommand.Run(args[1..], () => Console.In.ReadToEnd(), output, errors,
                Environment.GetEnvironmentVariable(ControlSocketPath.EnvironmentVariable));
        }

        using var parser = new Parser(settings =>
        {
            settings.CaseSensitive = true;
            settings.HelpWriter = Console.Error;
            settings.AllowMultiInstance = true;
        });
        return parser.ParseArguments(args, typeof(ReplayOptions), typeof(RunOptions), typeof(VipOptions))
            .MapResult(
                (ReplayOptions options) => ReplayCommand.Run(options, Console.Out, Console.Error),
                (RunOptions options) => RunCommand.Run(options, Console.Out, Console.Error),
                (VipOptions options) => VipCommand.Run(options, Console.Out, Console.Error, Environment.GetEnvironmentVariable(ControlSocketPath.EnvironmentVariable)),
                _ => 2);
    }
}

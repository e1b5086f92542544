using System.Text;
using Forwarder.Ipvsadm.Control;
using Forwarder.Ipvsadm.Execution;
using Forwarder.Ipvsadm.Grammar;
using Forwarder.Ipvsadm.Listing;

namespace Forwarder.Commands;

/// <summary>
/// <c>forwarder ipvsadm [--socket PATH] ARGS...</c>: ipvsadm for the running director. The arguments go to
/// the director untouched; its answer is printed byte for byte and its status becomes ours. The socket is
/// --socket, else FORWARDER_SOCKET, else /run/forwarder/forwarder.sock. Stdin is read only for -R. A listing
/// without -n gets its names here, from this process's resolver (<see cref="ClientNaming"/>).
/// </summary>
public static class IpvsadmClientCommand
{
    private const string SocketOption = "--socket";

    public static int Run(IReadOnlyList<string> args, Func<string> readStandardInput, Stream output, Stream errors, string? socketFromEnvironment) =>
        Run(args, readStandardInput, output, errors, socketFromEnvironment, SystemNameResolver.Instance, SystemNameLookup.Instance);

    /// <param name="names">
    /// Where a listing without -n finds its names: the system's resolver (gethostbyaddr, getservbyport) in this,
    /// the admin's, process, as ipvsadm does; tests inject their own.
    /// </param>
    /// <param name="lookup">Where host and port names in the arguments are resolved, in this process too (gethostbyname, getservbyname).</param>
    public static int Run(IReadOnlyList<string> args, Func<string> readStandardInput, Stream output, Stream errors, string? socketFromEnvironment,
        INameResolver names, INameLookup lookup)
    {
        string? socketPath = null;
        var rest = args;
        if (args.Count > 0 && args[0] == SocketOption)
        {
            if (args.Count < 2)
            {
                Write(errors, "forwarder ipvsadm: --socket needs the path of the director's control socket\n");
                return IpvsadmExitCodes.Usage;
            }
            socketPath = args[1];
            rest = args.Skip(2).ToArray();
        }
        else if (args.Count > 0 && args[0].StartsWith(SocketOption + "=", StringComparison.Ordinal))
        {
            socketPath = args[0][(SocketOption.Length + 1)..];
            rest = args.Skip(1).ToArray();
        }

        var standardInput = ReadsStandardInput(rest) ? readStandardInput() : string.Empty;
        rest = ArgumentNames.Resolve(rest, lookup);
        var client = new ControlClient(ControlSocketPath.Resolve(socketPath, socketFromEnvironment));
        var result = ClientNaming.WantsNames(rest, new IpvsadmParser())
            ? ClientNaming.Send(client.Send, rest, names)
            : client.Send(new IpvsadmInvocation(rest, standardInput));
        Write(output, result.StandardOutput);
        Write(errors, result.StandardError);
        return result.ExitCode;
    }

    /// <summary>Only -R (--restore, or a short bundle holding R) reads stdin; any other command must not wait on it.</summary>
    private static bool ReadsStandardInput(IReadOnlyList<string> args) =>
        args.Any(arg => arg == "--restore" || (arg.Length > 1 && arg[0] == '-' && arg[1] != '-' && arg.Contains('R', StringComparison.Ordinal)));

    private static void Write(Stream stream, string text)
    {
        if (text.Length == 0)
        {
            return;
        }
        stream.Write(Encoding.UTF8.GetBytes(text));
        stream.Flush();
    }
}

using System.Diagnostics;
using System.Text.Json;

namespace Reporting.Testing.Mail;

/// <summary>How a <see cref="SmtpTestServer"/> behaves: TLS, a login, an idle timeout.</summary>
public sealed record SmtpTestServerOptions
{
    /// <summary>Offer STARTTLS with this certificate and require it before MAIL.</summary>
    public TestCertificate? StartTls { get; init; }

    /// <summary>TLS from the first byte (SMTPS) with this certificate.</summary>
    public TestCertificate? ImplicitTls { get; init; }

    /// <summary>Require AUTH (PLAIN or LOGIN) with this user name and <see cref="Password"/>; offered only over TLS.</summary>
    public string? UserName { get; init; }

    public string? Password { get; init; }

    /// <summary>The server closes a connection idle for this long (aiosmtpd's default: 5 minutes).</summary>
    public TimeSpan? IdleTimeout { get; init; }
}

/// <summary>One message as the server took it: on which connection, for whom, over TLS or not, by which login.</summary>
public sealed record ServerDelivery(int Connection, string MailFrom, IReadOnlyList<string> Recipients, bool Tls, string? Login, string File);

/// <summary>
/// A real SMTP server for a test: Debian's <c>python3-aiosmtpd</c> on a free loopback port, driven
/// by a small controller script that stores the exact bytes of every message it accepts in a
/// Maildir's <c>new/</c>, and logs each connection and message (envelope recipients, TLS, login).
/// It can offer STARTTLS or implicit TLS with a throw-away certificate and require a login.
/// <see cref="StopAsync"/> and <see cref="StartAsync"/> take it down and bring it back on the same
/// port (the "server down for a while" tests).
/// </summary>
public sealed class SmtpTestServer : IAsyncDisposable
{
    private const string Script = """
import asyncio, json, os, ssl, sys, threading, time
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

cfg = json.loads(sys.argv[1])
new = os.path.join(cfg['maildir'], 'new')
tmp = os.path.join(cfg['maildir'], 'tmp')
for d in (new, tmp, os.path.join(cfg['maildir'], 'cur')):
    os.makedirs(d, exist_ok=True)
ready = False
lock = threading.Lock()
state = {'connections': 0, 'messages': 0}
if os.path.exists(cfg['events']):
    with open(cfg['events'], encoding='utf-8') as f:
        for line in f:
            kind = json.loads(line)['event']
            state['connections' if kind == 'connect' else 'messages'] += 1

def event(record):
    with lock, open(cfg['events'], 'a', encoding='utf-8') as f:
        f.write(json.dumps(record, ensure_ascii=False) + '\n')

class CountingSMTP(SMTP):
    number = 0
    def connection_made(self, transport):
        if self._original_transport is None and ready:
            with lock:
                state['connections'] += 1
                self.number = state['connections']
            event({'event': 'connect', 'connection': self.number})
        super().connection_made(transport)

class Handler:
    async def handle_DATA(self, server, session, envelope):
        with lock:
            state['messages'] += 1
            name = '%d.%06d.eml' % (time.time_ns() // 1000, state['messages'])
        with open(os.path.join(tmp, name), 'wb') as f:
            f.write(envelope.original_content)
        os.rename(os.path.join(tmp, name), os.path.join(new, name))
        tls = server.transport.get_extra_info('ssl_object') is not None or session.ssl is not None
        login = session.auth_data.login.decode() if session.authenticated and isinstance(session.auth_data, LoginPassword) else None
        event({'event': 'message', 'connection': server.number, 'mailFrom': envelope.mail_from, 'rcptTos': envelope.rcpt_tos, 'tls': tls, 'login': login, 'file': os.path.join(new, name)})
        return '250 OK'

def authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == cfg['user'] and auth_data.password.decode() == cfg['password']
    return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)

def context(cert, key):
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    return ctx

class CountingController(Controller):
    def factory(self):
        return CountingSMTP(self.handler, **self.SMTP_kwargs)

kwargs = {'timeout': cfg.get('timeout') or 300}
if cfg.get('starttlsCert'):
    kwargs['tls_context'] = context(cfg['starttlsCert'], cfg['starttlsKey'])
    kwargs['require_starttls'] = True
if cfg.get('user'):
    kwargs['authenticator'] = authenticator
    kwargs['auth_required'] = True
ssl_context = context(cfg['smtpsCert'], cfg['smtpsKey']) if cfg.get('smtpsCert') else None
controller = CountingController(Handler(), hostname='127.0.0.1', port=cfg['port'], ssl_context=ssl_context, **kwargs)
controller.start()
ready = True
print('ready', flush=True)
threading.Event().wait()
""";

    private readonly SmtpTestServerOptions _options;
    private readonly string _folder;
    private Process? _process;

    private SmtpTestServer(int port, string folder, SmtpTestServerOptions options)
    {
        Port = port;
        _folder = folder;
        _options = options;
        Maildir = Path.Combine(folder, "maildir");
    }

    public int Port { get; }

    public string Maildir { get; }

    private string EventsFile => Path.Combine(_folder, "events.jsonl");

    public static async Task<SmtpTestServer> StartNewAsync(SmtpTestServerOptions? options = null)
    {
        var folder = Directory.CreateTempSubdirectory("reporting-smtp-").FullName;
        var server = new SmtpTestServer(LoopbackPort.Free(), folder, options ?? new SmtpTestServerOptions());
        await server.StartAsync();
        return server;
    }

    public async Task StartAsync()
    {
        var config = JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["port"] = Port,
            ["maildir"] = Maildir,
            ["events"] = EventsFile,
            ["starttlsCert"] = _options.StartTls?.CertificateFile,
            ["starttlsKey"] = _options.StartTls?.KeyFile,
            ["smtpsCert"] = _options.ImplicitTls?.CertificateFile,
            ["smtpsKey"] = _options.ImplicitTls?.KeyFile,
            ["user"] = _options.UserName,
            ["password"] = _options.Password,
            ["timeout"] = _options.IdleTimeout?.TotalSeconds,
        });
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "-c", Script, config })
        {
            start.ArgumentList.Add(arg);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("could not start python3 with aiosmtpd");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            var line = await _process.StandardOutput.ReadLineAsync(timeout.Token);
            if (line == "ready")
            {
                return;
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"aiosmtpd did not listen on {Port} within 15 s");
        }

        await _process.WaitForExitAsync(CancellationToken.None);
        throw new InvalidOperationException("aiosmtpd exited: " + await _process.StandardError.ReadToEndAsync());
    }

    public async Task StopAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        _process = null;
    }

    /// <summary>Every message received so far, decoded by Python's <c>email</c> package.</summary>
    public IReadOnlyList<ReceivedMail> Messages() =>
        Directory.Exists(Path.Combine(Maildir, "new")) ? MailFiles.Read(Directory.GetFiles(Path.Combine(Maildir, "new"))) : [];

    /// <summary>How many SMTP connections clients opened (a STARTTLS upgrade is the same connection).</summary>
    public int Connections => Events().Count(e => e.GetProperty("event").GetString() == "connect");

    /// <summary>Every message as the server took it, in order of arrival.</summary>
    public IReadOnlyList<ServerDelivery> Deliveries() => Events()
        .Where(e => e.GetProperty("event").GetString() == "message")
        .Select(e => new ServerDelivery(
            e.GetProperty("connection").GetInt32(),
            e.GetProperty("mailFrom").GetString()!,
            e.GetProperty("rcptTos").EnumerateArray().Select(r => r.GetString()!).ToList(),
            e.GetProperty("tls").GetBoolean(),
            e.GetProperty("login").GetString(),
            e.GetProperty("file").GetString()!))
        .ToList();

    private List<JsonElement> Events() => File.Exists(EventsFile)
        ? File.ReadAllLines(EventsFile).Where(l => l.Length > 0).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList()
        : [];

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder; nothing depends on its removal.
        }
    }
}

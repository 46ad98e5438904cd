import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for a Salesforce org, for the answers the real local org cannot give yet: expired
 * tokens, refused passwords, limits. It answers with the status codes, headers and bodies
 * Salesforce itself sends, so jsforce (the real client) parses them as it would in production.
 */
export interface FakeRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface FakeReply {
  status: number;
  headers?: Record<string, string>;
  body: string;
}

export interface FakeSalesforce {
  /** http://127.0.0.1:PORT, without a trailing slash. */
  url: string;
  requests: FakeRequest[];
  close(): Promise<void>;
}

export async function startFakeSalesforce(
  answer: (request: FakeRequest, self: { url: string }) => FakeReply,
): Promise<FakeSalesforce> {
  const requests: FakeRequest[] = [];
  const self = { url: '' };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request: FakeRequest = {
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(request);
      let reply: FakeReply;
      try {
        reply = answer(request, self);
      } catch (error) {
        reply = { status: 599, body: `fake Salesforce failed: ${String(error)}` };
      }
      res.writeHead(reply.status, {
        ...reply.headers,
        'Content-Length': Buffer.byteLength(reply.body),
      });
      res.end(reply.body);
    });
  });
  await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', resolveListen));
  self.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: self.url,
    requests,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

const JSON_TYPE = 'application/json;charset=UTF-8';
const XML_TYPE = 'text/xml;charset=UTF-8';

export function jsonReply(status: number, body: unknown): FakeReply {
  return { status, headers: { 'Content-Type': JSON_TYPE }, body: JSON.stringify(body) };
}

/** What /services/data/vXX.X/limits answers for a token Salesforce no longer accepts. */
export function expiredSessionReply(): FakeReply {
  return jsonReply(401, [
    { message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' },
  ]);
}

export function limitsReply(max: number, remaining: number): FakeReply {
  return jsonReply(200, { DailyApiRequests: { Max: max, Remaining: remaining } });
}

/** The SOAP fault the partner API's login() answers with (HTTP 500). */
export function soapLoginFault(
  code = 'INVALID_LOGIN',
  message = 'Invalid username, password, security token; or user locked out.',
): FakeReply {
  return {
    status: 500,
    headers: { 'Content-Type': XML_TYPE },
    body:
      '<?xml version="1.0" encoding="UTF-8"?>' +
      '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" ' +
      'xmlns:sf="urn:fault.partner.soap.sforce.com" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
      '<soapenv:Body><soapenv:Fault>' +
      `<faultcode>sf:${code}</faultcode>` +
      `<faultstring>${code}: ${message}</faultstring>` +
      '<detail><sf:LoginFault xsi:type="sf:LoginFault">' +
      `<sf:exceptionCode>${code}</sf:exceptionCode><sf:exceptionMessage>${message}</sf:exceptionMessage>` +
      '</sf:LoginFault></detail>' +
      '</soapenv:Fault></soapenv:Body></soapenv:Envelope>',
  };
}

/** A successful SOAP login() whose session lives on `instanceUrl`. */
export function soapLoginSuccess(
  instanceUrl: string,
  ids: { sessionId: string; userId: string; organizationId: string; apiVersion: string },
): FakeReply {
  return {
    status: 200,
    headers: { 'Content-Type': XML_TYPE },
    body:
      '<?xml version="1.0" encoding="UTF-8"?>' +
      '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" ' +
      'xmlns="urn:partner.soap.sforce.com" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
      '<soapenv:Body><loginResponse><result>' +
      `<metadataServerUrl>${instanceUrl}/services/Soap/m/${ids.apiVersion}/${ids.organizationId}</metadataServerUrl>` +
      '<passwordExpired>false</passwordExpired><sandbox>false</sandbox>' +
      `<serverUrl>${instanceUrl}/services/Soap/u/${ids.apiVersion}/${ids.organizationId}</serverUrl>` +
      `<sessionId>${ids.sessionId}</sessionId>` +
      `<userId>${ids.userId}</userId>` +
      `<userInfo><organizationId>${ids.organizationId}</organizationId><userId>${ids.userId}</userId></userInfo>` +
      '</result></loginResponse></soapenv:Body></soapenv:Envelope>',
  };
}

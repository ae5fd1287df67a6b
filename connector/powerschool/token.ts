/**
 * The OAuth client-credentials exchange: POST /oauth/access_token with Basic auth, answered
 * {"access_token":"..","token_type":"Bearer","expires_in":"1814654"} where expires_in is a STRING
 * of seconds (docs/powerschool-reference.md section 2).
 */
import { z } from 'zod';
import { PowerSchoolError, type PowerSchoolResponse, type SendRequest } from '../http/index.ts';

/** A token and the instant it stops being valid. */
export interface AccessToken {
  value: string;
  expiresAtMs: number;
}

const TokenAnswer = z.object({
  access_token: z.string().min(1),
  // A string per the reference; a number is accepted too in case a server sends one.
  expires_in: z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]),
});

/** Asks PowerSchool for a token; the caller's send adds retries and the attempt record. */
export async function requestToken(input: {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  nowMs: number;
  send: (request: SendRequest) => Promise<PowerSchoolResponse>;
}): Promise<AccessToken> {
  const basic = Buffer.from(`${input.clientId}:${input.clientSecret}`).toString('base64');
  const url = `${input.baseUrl}/oauth/access_token`;
  const response = await input.send({
    method: 'POST',
    url,
    headers: {
      authorization: `Basic ${basic}`,
      'content-type': 'application/x-www-form-urlencoded;charset=UTF-8',
      accept: 'application/json',
    },
    body: 'grant_type=client_credentials',
  });
  const parsed = TokenAnswer.safeParse(response.body);
  if (!parsed.success) {
    // Never echo the body: it may hold a token.
    throw new PowerSchoolError({
      code: 'invalid_response',
      method: 'POST',
      url,
      detail: 'the token answer has no access_token and expires_in',
    });
  }
  return {
    value: parsed.data.access_token,
    expiresAtMs: input.nowMs + Number(parsed.data.expires_in) * 1000,
  };
}
